import { GatewayDispatchEvents, GatewayIntentBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { GUILD_ID } from "../../../emulator/fixture";
import { createMemberRequests, type MemberDispatch } from "../../../emulator/gateway/members";
import { createDirectory } from "../../../emulator/state";

const members = GatewayIntentBits.GuildMembers;

function world() {
  let now = 1_800_000_000_000;
  const clock = () => now;
  const directory = createDirectory(clock);
  const requests = createMemberRequests({ clock, directory });
  return { directory, requests, advance: (ms: number) => (now += ms) };
}

function chunksOf(answer: ReturnType<ReturnType<typeof createMemberRequests>["answer"]>) {
  if (answer.kind !== "dispatches") throw new Error(`expected dispatches, got ${answer.kind}`);
  return answer.dispatches;
}

function chunk(dispatch: MemberDispatch | undefined) {
  if (dispatch?.t !== GatewayDispatchEvents.GuildMembersChunk) throw new Error(`expected a chunk, got ${dispatch?.t}`);
  return dispatch.d;
}

describe("op 8 member requests", () => {
  it("cuts everyone into chunks of 1,000 with indices, count and nonce", () => {
    const { directory, requests } = world();
    for (let n = 0; n < 2_500; n += 1) directory.createUser({ username: `bulk${n}`, roles: [], member: true });
    const dispatches = chunksOf(requests.answer({ guild_id: GUILD_ID, query: "", limit: 0, nonce: "n" }, members));
    expect(dispatches.map((dispatch) => [chunk(dispatch).chunk_index, chunk(dispatch).chunk_count, chunk(dispatch).members.length, chunk(dispatch).nonce])).toEqual([
      [0, 3, 1_000, "n"],
      [1, 3, 1_000, "n"],
      [2, 3, 508, "n"],
    ]);
  });

  it("answers a second all-members request within 30 s with RATE_LIMITED, and serves it after", () => {
    const { requests, advance } = world();
    requests.answer({ guild_id: GUILD_ID, query: "", limit: 0 }, members);
    advance(10_000);
    const [limited] = chunksOf(requests.answer({ guild_id: GUILD_ID, query: "", limit: 0, nonce: "again" }, members));
    expect(limited).toEqual({ t: GatewayDispatchEvents.RateLimited, d: { opcode: 8, retry_after: 20, meta: { guild_id: GUILD_ID, nonce: "again" } } });
    advance(20_000);
    expect(chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, query: "", limit: 0 }, members))[0]).chunk_count).toBe(1);
  });

  it("does not rate limit query or user_ids requests", () => {
    const { requests } = world();
    requests.answer({ guild_id: GUILD_ID, query: "", limit: 0 }, members);
    expect(chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, query: "play", limit: 10 }, 0))[0]).members.map((member) => member.user.username)).toEqual(["player"]);
    expect(chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, user_ids: "1200000000000000005" }, 0))[0]).members).toHaveLength(1);
  });

  it("needs GUILD_MEMBERS for an empty query, ignores other guilds, and drops a nonce over 32 bytes", () => {
    const { requests } = world();
    expect(requests.answer({ guild_id: GUILD_ID, query: "", limit: 0 }, GatewayIntentBits.Guilds)).toEqual({ kind: "missing-intent" });
    expect(requests.answer({ guild_id: GUILD_ID, query: "", limit: 5 }, GatewayIntentBits.Guilds)).toEqual({ kind: "missing-intent" });
    expect(chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, query: "", limit: 5 }, members))[0]).members).toHaveLength(5);
    expect(requests.answer({ guild_id: "1", query: "", limit: 0 }, members)).toEqual({ kind: "ignored" });
    const long = chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, query: "a", limit: 1, nonce: "x".repeat(33) }, members))[0]);
    expect(long).not.toHaveProperty("nonce");
  });

  it("caps a query at 100 members and lists unknown user_ids in not_found", () => {
    const { directory, requests } = world();
    for (let n = 0; n < 150; n += 1) directory.createUser({ username: `same${n}`, roles: [], member: true });
    expect(chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, query: "SAME", limit: 0 }, 0))[0]).members).toHaveLength(100);
    const found = chunk(chunksOf(requests.answer({ guild_id: GUILD_ID, user_ids: ["1200000000000000001", "1200000000000000002"] }, 0))[0]);
    expect(found.members.map((member) => member.user.id)).toEqual(["1200000000000000002"]);
    expect(found.not_found).toEqual(["1200000000000000001"]);
  });
});
