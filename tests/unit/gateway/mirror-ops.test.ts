import { GatewayDispatchEvents, GatewayOpcodes, type GatewayDispatchPayload } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { membersIn, opsForDispatch } from "@/lib/gateway/mirror-ops";
import { member, memberAdd, memberRemove, membersChunk, memberUpdate, role, roleCreate, roleDelete, roleUpdate, testGuildId, typingStart } from "./dispatches";

const otherGuild = "1100000000000000999";

describe("the mirror's steps for a dispatch", () => {
  it("turns member events into a member upsert or a leave, with the dispatch's sequence", () => {
    const identity = JSON.stringify({ username: "user21", globalName: null, avatar: null });
    expect(opsForDispatch(memberAdd(4, "21", ["r1"]), testGuildId)).toEqual([{ t: "member", s: 4, m: { u: "21", r: ["r1"], n: null, j: "2026-01-02T03:04:05.000Z", i: identity } }]);
    expect(opsForDispatch(memberUpdate(5, "21", ["r1", "r2"], "Nick"), testGuildId)).toEqual([
      { t: "member", s: 5, m: { u: "21", r: ["r1", "r2"], n: "Nick", j: "2026-01-02T03:04:05.000Z", i: identity } },
    ]);
    expect(opsForDispatch(memberRemove(6, "21"), testGuildId)).toEqual([{ t: "leave", s: 6, u: "21" }]);
  });

  it("turns a members chunk into one step with every member", () => {
    const [op] = opsForDispatch(membersChunk(9, [member("1", ["a"]), member("2", [])], 0, 1, "n"), testGuildId);
    expect(op).toMatchObject({ t: "members", s: 9, m: [{ u: "1", r: ["a"] }, { u: "2", r: [] }] });
    expect(op && membersIn(op)).toBe(2);
  });

  it("keeps what the app needs of a role and drops the rest", () => {
    const [created] = opsForDispatch(roleCreate(3, role("77", "Team A", 4)), testGuildId);
    expect(created).toMatchObject({ t: "role", s: 3, id: "77" });
    expect(created?.t === "role" && JSON.parse(created.json)).toEqual({ id: "77", name: "Team A", permissions: "0", position: 4, managed: false });
    expect(opsForDispatch(roleUpdate(4, role("77", "Team B")), testGuildId)[0]).toMatchObject({ t: "role", id: "77" });
    expect(opsForDispatch(roleDelete(5, "77"), testGuildId)).toEqual([{ t: "role-delete", s: 5, id: "77" }]);
  });

  it("takes the whole role list from GUILD_CREATE", () => {
    const guildCreate = {
      op: GatewayOpcodes.Dispatch,
      t: GatewayDispatchEvents.GuildCreate,
      s: 2,
      d: { id: testGuildId, roles: [role("1", "@everyone", 0), role("2", "Player")] },
    } as unknown as GatewayDispatchPayload;
    const [op] = opsForDispatch(guildCreate, testGuildId);
    expect(op?.t === "roles" && op.roles.map((r) => r.id)).toEqual(["1", "2"]);
  });

  it("only moves the sequence for other guilds and for events the mirror ignores", () => {
    expect(opsForDispatch(memberAdd(7, "21", ["r1"], otherGuild), testGuildId)).toEqual([{ t: "seq", s: 7 }]);
    expect(opsForDispatch(roleDelete(8, "77", otherGuild), testGuildId)).toEqual([{ t: "seq", s: 8 }]);
    expect(opsForDispatch(typingStart(9), testGuildId)).toEqual([{ t: "seq", s: 9 }]);
  });

  it("refuses a member without roles (a malformed payload) instead of mirroring it as roleless", () => {
    const malformed = { ...memberAdd(4, "21", []), d: { guild_id: testGuildId, user: { id: "21" } } } as unknown as GatewayDispatchPayload;
    expect(() => opsForDispatch(malformed, testGuildId)).toThrow();
  });
});
