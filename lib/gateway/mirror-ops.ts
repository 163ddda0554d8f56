import { GatewayDispatchEvents, type GatewayDispatchPayload } from "discord-api-types/v10";
import { z } from "zod";
import { encodeIdentity, identityOfDiscordUser } from "@/lib/identity/identity";

/**
 * A member as the mirror stores it: user id, role ids, nick, joined at, and
 * `i`, their identity's JSON (lib/identity) when the user object carried one.
 */
export type MemberRecord = { u: string; r: string[]; n: string | null; j: string | null; i?: string };

/** What the mirror keeps of a role, for the app. */
export type MirroredRole = { id: string; name: string; permissions: string; position: number; managed: boolean };

/**
 * Why the mirror may have missed events and owes a full resync: the
 * Gateway session was lost (nothing replays what it carried), a leader
 * started without a session to resume, or Redis changed primary and the
 * mirror may have rolled back with it.
 */
export type ResyncNeededWhy = "session-lost" | "no-session" | "primary-changed";

/**
 * One step of the mirror, applied by gateway-mirror-apply.lua. Steps with
 * `s` come from a dispatch and apply once per session in `s` order; the
 * others (session changes, resync needed, begin and finish) always apply.
 */
export type MirrorOp =
  | { t: "seq"; s: number }
  | { t: "member"; s: number; m: MemberRecord }
  | { t: "members"; s: number; m: MemberRecord[] }
  | { t: "leave"; s: number; u: string }
  | { t: "role"; s: number; id: string; json: string }
  | { t: "roles"; s: number; roles: { id: string; json: string }[] }
  | { t: "role-delete"; s: number; id: string }
  | { t: "resync-needed"; why: ResyncNeededWhy }
  | { t: "resync-begin" }
  | { t: "resync-finish" }
  | { t: "session"; id: string; url: string; shards: number }
  | { t: "session-clear" };

const memberSchema = z.object({
  user: z.object({ id: z.string() }).loose(),
  roles: z.array(z.string()),
  nick: z.string().nullish(),
  joined_at: z.string().nullish(),
});
const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.string(),
  position: z.number(),
  managed: z.boolean().default(false),
});
const guildScoped = z.object({ guild_id: z.string() });

function memberRecord(raw: unknown): MemberRecord {
  const member = memberSchema.parse(raw);
  const record: MemberRecord = { u: member.user.id, r: member.roles, n: member.nick ?? null, j: member.joined_at ?? null };
  const identity = identityOfDiscordUser(member.user);
  return identity ? { ...record, i: encodeIdentity(identity) } : record;
}

function roleEntry(raw: unknown): { id: string; json: string } {
  const { id, name, permissions, position, managed } = roleSchema.parse(raw);
  const role: MirroredRole = { id, name, permissions, position, managed };
  return { id, json: JSON.stringify(role) };
}

/**
 * The mirror's steps for one dispatch. Dispatches of other guilds and of
 * events the mirror ignores still advance the sequence, so a resume starts
 * after them. Payloads are parsed here: a malformed one throws a ZodError.
 */
export function opsForDispatch(payload: GatewayDispatchPayload, guildId: string): MirrorOp[] {
  const s = payload.s;
  const scoped = guildScoped.safeParse(payload.d);
  const ours = scoped.success && scoped.data.guild_id === guildId;
  switch (payload.t) {
    case GatewayDispatchEvents.GuildMemberAdd:
    case GatewayDispatchEvents.GuildMemberUpdate:
      return ours ? [{ t: "member", s, m: memberRecord(payload.d) }] : [{ t: "seq", s }];
    case GatewayDispatchEvents.GuildMemberRemove:
      return ours ? [{ t: "leave", s, u: z.object({ user: z.object({ id: z.string() }) }).parse(payload.d).user.id }] : [{ t: "seq", s }];
    case GatewayDispatchEvents.GuildMembersChunk:
      return ours ? [{ t: "members", s, m: z.array(z.unknown()).parse(payload.d.members).map(memberRecord) }] : [{ t: "seq", s }];
    case GatewayDispatchEvents.GuildRoleCreate:
    case GatewayDispatchEvents.GuildRoleUpdate:
      return ours ? [{ t: "role", s, ...roleEntry(payload.d.role) }] : [{ t: "seq", s }];
    case GatewayDispatchEvents.GuildRoleDelete:
      return ours ? [{ t: "role-delete", s, id: z.string().parse(payload.d.role_id) }] : [{ t: "seq", s }];
    case GatewayDispatchEvents.GuildCreate: {
      const guild = z.object({ id: z.string(), roles: z.array(z.unknown()).default([]) }).parse(payload.d);
      return guild.id === guildId ? [{ t: "roles", s, roles: guild.roles.map(roleEntry) }] : [{ t: "seq", s }];
    }
    default:
      return [{ t: "seq", s }];
  }
}

/** How many members a batch of steps writes: batches are cut so one script stays short. */
export function membersIn(op: MirrorOp): number {
  if (op.t === "members") return op.m.length;
  return op.t === "member" || op.t === "leave" ? 1 : 0;
}
