import { skeleton } from "@/lib/text/skeleton";

/**
 * Every Redis key of the product's own records (profiles, teams, join
 * requests, action locks, journals, audit), in one place because the action
 * engine, the teams and the profiles all write them in the same atomic
 * scripts. The prefix lets tests isolate themselves; the app uses `safa:`.
 * A team's id is its Discord role's id.
 */
export type ProductKeys = ReturnType<typeof productKeyspace>;

export function productKeyspace(prefix = "safa:") {
  return {
    profile: (userId: string) => `${prefix}profile:${userId}`,
    /** Hash: id, name, tag, managerId, createdAt, createdBy, adopted. */
    team: (teamId: string) => `${prefix}team:${teamId}`,
    /** Sorted set: user id -> joined at (epoch ms). The manager is a member too. */
    members: (teamId: string) => `${prefix}team:${teamId}:members`,
    /** Sorted set: user id -> requested at (epoch ms). */
    requests: (teamId: string) => `${prefix}team:${teamId}:requests`,
    /** Sorted set: team id -> created at (epoch ms). */
    teamIndex: `${prefix}teams`,
    /**
     * Hash: team name key (`teamNameKey`, a look-alike skeleton) -> team id;
     * makes names unique regardless of case and look-alike letters.
     */
    teamNames: `${prefix}team-names`,
    /** Hash: tag key (`teamTagKey`) -> team id; makes tags unique the same way. */
    teamTags: `${prefix}team-tags`,
    /** Hash: gamer tag key (`gamerTagKey`) -> user id; one player per gamer tag and its look-alikes. */
    gamerTags: `${prefix}gamer-tags`,
    /** Hash: EA FC ID key (`eaFcIdKey`) -> user id; one player per EA FC ID and its look-alikes. */
    eaFcIds: `${prefix}ea-fc-ids`,
    /** String "1" once the profiles stored before `gamerTags` and `eaFcIds` existed are indexed. */
    profileClaimsIndexed: `${prefix}profile-claims-indexed`,
    /** Hash: user id -> team id; a user is in at most one team. */
    userTeam: `${prefix}user-team`,
    /** Hash: user id -> JSON array of team ids with a pending request from that user. */
    userRequests: `${prefix}user-requests`,
    /** Hash: user id -> display name (Discord name at their last action). */
    userNames: `${prefix}user-names`,
    /**
     * Hash: user id -> identity JSON (`Identity`, lib/identity): Discord's
     * username, display name and avatar hash, written by the Gateway mirror
     * for every member Discord sends and at login; the Gateway keyspace names
     * the same hash (`gatewayKeyspace(...).identities`).
     */
    identities: `${prefix}identities`,
    /** Set of role ids of disbanded teams: a stale role cache must never resurrect one. */
    disbandedRoles: `${prefix}disbanded-roles`,
    /** Hash: role id -> user id of the admin who marked that role (made on Discord) as a team's. */
    markedTeamRoles: `${prefix}marked-team-roles`,
    /**
     * Hash: user id -> compact JSON entry (`PoolEntry`, lib/pool/entry.ts) of a
     * free agent who switched on "looking for a team"; absent when they are not.
     */
    pool: `${prefix}pool`,
    /** Hash: team id -> JSON of that team's open offer (`StoredOffer`, lib/offers/store.ts) to this user. */
    offers: (userId: string) => `${prefix}offers:${userId}`,
    /** Sorted set: user id -> expires at (epoch ms), the team's open offers. */
    teamOffers: (teamId: string) => `${prefix}team:${teamId}:offers`,
    /** Hash: journal id -> JSON of an action whose Discord half is not settled yet. */
    journals: `${prefix}journals`,
    /** The guild's roles and the bot's highest position, cached briefly for judging team roles made on Discord. */
    guildRoles: `${prefix}guild-roles`,
    /**
     * Stream of audit entries, append-only. Join requests and withdrawals go
     * to a stream of their own beside it (`requestStreamOf` in lib/audit/log.ts),
     * so a flood of them cannot push admin and Discord-changing entries out.
     */
    audit: `${prefix}audit`,
    /**
     * Stream of announcements for the transactions channel, each `entry` =
     * the audit entry's JSON, appended in the same script as the audit entry
     * (only while a channel is configured) and removed once the channel has
     * it (lib/transactions drains it through a consumer group).
     */
    outbox: `${prefix}outbox`,
    /** Lease (drainer id, PX expiry) of the one process posting the outbox, so announcements keep their order. */
    outboxDrainer: `${prefix}outbox:drainer`,
    /** The drainer's counts (`posted`, `failed:<reason>`), kept in Redis because it runs in the Gateway workers, which serve no metrics; the app's /api/metrics reads them. */
    outboxCounts: `${prefix}outbox:counts`,
    /** Token bucket admitting Discord-spending actions: `guild`, or `user:<id>` (see admission.ts). */
    admission: (subject: string) => `${prefix}admission:${subject}`,
    /** Fixed-window count of a user's refused actions (`rateLimitPolicies.refusals`). */
    refusals: (userId: string) => `${prefix}refusals:${userId}`,
    /** Lease lock of one action subject (`team:<id>`, `user:<id>`, `team-name:<name>`). */
    lock: (subject: string) => `${prefix}lock:${subject}`,
    /** Hash: the transfer window's record (lib/tournament/window.ts): its state now, scheduled changes, what was announced. */
    transferWindow: `${prefix}transfer-window`,
    /** Hash: team id, or `all`, -> JSON of a roster lock (lib/tournament/locks.ts). */
    rosterLocks: `${prefix}roster-locks`,
    /** Hash: the season's start (epoch ms) and its per-team limit of roster changes. */
    season: `${prefix}season`,
    /** Hash: team id -> roster changes made in the season that started at `seasonId` (its start, epoch ms). */
    seasonChanges: (seasonId: string) => `${prefix}season:${seasonId}:changes`,
    /** String, short-lived: the sentence a form posted without scripts left for the dashboard to say once (lib/api/form-outcome.ts). */
    formOutcome: (userId: string) => `${prefix}form-outcome:${userId}`,
  };
}

/*
 * The fields of the look-alike index hashes: a value's skeleton, so values
 * that read the same to a person ("Abuja EagIes", "Abuja Eag1es", one with a
 * Cyrillic "а") clash, as do case and spacing variants.
 */

/** What a team name is unique by (the field of `teamNames`). */
export function teamNameKey(name: string): string {
  return skeleton(name);
}

/** What a tag is unique by (the field of `teamTags`): "lI" clashes with "LL". */
export function teamTagKey(tag: string): string {
  return skeleton(tag);
}

/** What a gamer tag is unique by across profiles (the field of `gamerTags`): "Ace_I0" clashes with "ace_l0". */
export function gamerTagKey(gamerTag: string): string {
  return skeleton(gamerTag);
}

/** What an EA FC ID is unique by across profiles (the field of `eaFcIds`). */
export function eaFcIdKey(eaFcId: string): string {
  return skeleton(eaFcId);
}
