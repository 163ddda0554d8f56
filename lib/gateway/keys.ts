/**
 * Every Redis key of the Gateway mirror, per guild. The prefix lets tests
 * isolate themselves; the app uses `safa:`. The members' cache entries are
 * the SAFA keys the role service reads (`roleKeys.cache` in
 * lib/roles/service.ts): the mirror writes them in the very format the role
 * service parses, so the app understands them unchanged.
 */
export type GatewayKeys = ReturnType<typeof gatewayKeyspace>;

export function gatewayKeyspace(guildId: string, prefix = "safa:") {
  const base = `${prefix}gateway:${guildId}`;
  return {
    /** String `<fence>:<workerId>`, PX lease: who holds the Gateway connection. */
    lease: `${base}:lease`,
    /** Counter (INCR): the fencing token of each new lease, never reused. */
    fence: `${base}:fence`,
    /** Hash: sessionId, resumeUrl, shardCount, sequence (the last `s` the mirror applied). */
    session: `${base}:session`,
    /** Hash: the mirror's health (see MirrorStatus in status.ts). */
    status: `${base}:status`,
    /** Hash: user id -> role snapshot JSON of every member, the mirror's own truth. */
    members: `${base}:members`,
    /** Hash: role id -> JSON {id, name, permissions, position, managed}. */
    roles: `${base}:roles`,
    /** Set of user ids confirmed since the running resync began; the others left. */
    resyncSeen: `${base}:resync-seen`,
    /** Hash: user id -> identity JSON of every member seen; shared with the product (`productKeyspace(prefix).identities`), not per guild. */
    identities: `${prefix}identities`,
    /** The role service's cache key prefix: `discord_roles_<guild>_` + user id. */
    memberCachePrefix: `discord_roles_${guildId}_`,
  };
}

/** Pub/sub channel announcing a member whose roles or membership changed: JSON {guildId, userId, member, roles}. */
export const memberChangedChannel = "safa:gateway:member-changed";
