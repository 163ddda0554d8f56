import { GatewayDispatchEvents, GatewayIntentBits } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../../emulator/config";
import { createContext, resetContext } from "../../../emulator/context";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import { createGatewayCore } from "../../../emulator/gateway/core";
import type { DispatchRecord } from "../../../emulator/gateway/session";
import type { GuildDispatch } from "../../../emulator/guild-events";

const newcomer = "1200000000000000002";

function setUp() {
  const context = createContext(resolveConfig({}));
  const core = createGatewayCore(context);
  function session(intents: number) {
    const delivered: DispatchRecord[] = [];
    const created = core.sessions.create({ intents, largeThreshold: 50, sink: { deliver: (record) => delivered.push(record) } });
    return { created, delivered };
  }
  return { context, core, session };
}

function memberUpdate(roles: string[]): GuildDispatch {
  const member = createContext(resolveConfig({})).directory.toApiMember(newcomer);
  if (!member) throw new Error("newcomer is a fixture member");
  return { t: GatewayDispatchEvents.GuildMemberUpdate, d: { ...member, guild_id: GUILD_ID, roles } };
}

const roleDelete: GuildDispatch = { t: GatewayDispatchEvents.GuildRoleDelete, d: { guild_id: GUILD_ID, role_id: ROLE_IDS.lagosLions } };

describe("guild changes fanned out to sessions", () => {
  it("sends member events only to sessions with GUILD_MEMBERS and role events to sessions with GUILDS", () => {
    const { context, session } = setUp();
    const everything = session(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
    const guildsOnly = session(GatewayIntentBits.Guilds);
    const membersOnly = session(GatewayIntentBits.GuildMembers);
    context.guildEvents.publish(memberUpdate([ROLE_IDS.player]));
    context.guildEvents.publish(roleDelete);
    expect(everything.delivered.map((record) => [record.t, record.s])).toEqual([
      [GatewayDispatchEvents.GuildMemberUpdate, 1],
      [GatewayDispatchEvents.GuildRoleDelete, 2],
    ]);
    expect(guildsOnly.delivered.map((record) => record.t)).toEqual([GatewayDispatchEvents.GuildRoleDelete]);
    expect(membersOnly.delivered.map((record) => record.t)).toEqual([GatewayDispatchEvents.GuildMemberUpdate]);
  });

  it("hears the directory's own changes in the order they happen", () => {
    const { context, session } = setUp();
    const listener = session(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
    context.directory.addMemberRole(newcomer, ROLE_IDS.player);
    context.directory.removeMemberRole(newcomer, ROLE_IDS.player);
    const updates = listener.delivered.filter((record) => record.t === GatewayDispatchEvents.GuildMemberUpdate);
    expect(updates.map((record) => (record.d as { roles: string[] }).roles)).toEqual([[ROLE_IDS.player], []]);
  });

  it("keeps buffering for a detached session and forgets every session on reset", () => {
    const { context, core, session } = setUp();
    const detached = session(GatewayIntentBits.Guilds);
    core.sessions.detach(detached.created);
    context.guildEvents.publish(roleDelete);
    expect(detached.delivered).toEqual([]);
    expect(core.sessions.replayAfter(detached.created, 0)).toMatchObject({ ok: true, records: [{ t: GatewayDispatchEvents.GuildRoleDelete, s: 1 }] });
    resetContext(context);
    expect(core.sessions.list()).toEqual([]);
  });

  it("stops listening once disposed", () => {
    const { context, core, session } = setUp();
    const listener = session(GatewayIntentBits.Guilds);
    core.dispose();
    context.guildEvents.publish(roleDelete);
    expect(listener.delivered).toEqual([]);
  });
});
