import "server-only";
import { actionPolicy } from "@/lib/actions/policy";
import { countOpenJournals } from "@/lib/actions/saga";
import { readAudit } from "@/lib/audit/log";
import { getDiscordRest } from "@/lib/discord";
import { metrics } from "@/lib/metrics";
import { allTeams, getTeamContext } from "@/lib/teams";
import type { TeamDetail, TeamRoleOption } from "@/lib/teams/answer";
import { teamRoleCandidates } from "@/lib/teams/mark-team-role";
import { teamPolicy } from "@/lib/teams/policy";
import { roleRoom } from "@/lib/teams/role-room";
import { people, person } from "@/lib/teams/roster";
import { readGuildSnapshot } from "@/lib/teams/team-role";
import type { AdminHealth, AuditRow } from "./answer";
import { mirrorHealth } from "./mirror-health";
import { outboxHealth } from "./outbox-health";
import { replicationHealth } from "./redis-health";

/** A health probe never holds the admin page up for longer than this. */
const probeTimeoutMs = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${probeTimeoutMs} ms`)), probeTimeoutMs))]);
}

async function redisHealth(): Promise<AdminHealth["redis"]> {
  const started = Date.now();
  try {
    await withTimeout(getTeamContext().redis.ping(), "Redis");
    return { reachable: true, latencyMs: Date.now() - started };
  } catch {
    return { reachable: false, latencyMs: null };
  }
}

async function discordHealth(): Promise<AdminHealth["discord"]> {
  try {
    const state = await withTimeout(getDiscordRest().inspect(), "The REST client");
    const reason = state.botTokenRejected
      ? "Discord rejected the bot token"
      : state.cloudflareBan.open
        ? "Discord's edge has banned this IP"
        : state.invalidRequests.count >= state.invalidRequests.refuseAt
          ? "too many invalid requests in 10 minutes"
          : null;
    return {
      known: true,
      source: state.source,
      breaker: { open: reason !== null, reason, retryAfterSeconds: Math.ceil(state.cloudflareBan.retryAfterMs / 1_000) },
      global: { usedInWindow: state.global.usedInWindow, limit: state.global.limit },
      rateLimitedLast10Minutes: state.rateLimited.total,
      invalidLast10Minutes: state.invalidRequests.count,
      invalidRefuseAt: state.invalidRequests.refuseAt,
      bucketsNearLimit: state.bucketsNearLimit.map((bucket) => ({
        bucket: bucket.bucket,
        remaining: bucket.remaining,
        limit: bucket.limit,
        resetInSeconds: Math.ceil(bucket.resetInMs / 1_000),
      })),
    };
  } catch (error) {
    return { known: false, reason: error instanceof Error ? error.message : "unknown" };
  }
}

/** Counted by this process since it started (`safa_role_lookups_total`). */
async function roleCacheHealth(): Promise<AdminHealth["roleCache"]> {
  const counts = { fresh: 0, cached: 0, stale: 0, collapsed: 0, miss: 0 };
  for (const { value, labels } of (await metrics.roleLookups.get()).values) {
    const result = labels.result;
    if (typeof result === "string" && Object.hasOwn(counts, result)) counts[result as keyof typeof counts] += value;
  }
  const total = counts.fresh + counts.cached + counts.stale + counts.collapsed + counts.miss;
  const hits = counts.cached + counts.stale + counts.collapsed;
  return { ...counts, hitRatePercent: total === 0 ? null : Math.round((hits / total) * 1_000) / 10 };
}

/** The server's roles against Discord's cap, from the briefly cached role list. */
async function guildRolesHealth(): Promise<AdminHealth["guildRoles"]> {
  try {
    const room = roleRoom(await withTimeout(readGuildSnapshot(getTeamContext(), { fresh: false }), "The role list"));
    return { known: true, ...room, keptFree: teamPolicy.guildRolesKeptFree, warn: room.left <= teamPolicy.guildRolesWarnAtLeft };
  } catch {
    return { known: false };
  }
}

async function auditRows(): Promise<AuditRow[]> {
  const context = getTeamContext();
  const entries = await readAudit(context.redis, context.keys.audit, actionPolicy.auditEntriesShown);
  const targets = [...new Set(entries.map((entry) => entry.targetId).filter((id): id is string => id !== null))];
  const found = await people(context, targets);
  return entries.map((entry) => ({
    at: new Date(entry.at).toISOString(),
    actorName: entry.actorName,
    action: entry.action,
    teamName: entry.teamName,
    targetName: entry.targetId === null ? null : person(entry.targetId, found).name,
    detail: entry.detail,
  }));
}

export type AdminOverview = { teams: TeamDetail[]; teamRoles: TeamRoleOption[]; audit: AuditRow[]; health: AdminHealth };

/** Everything the admin area shows, in one call. */
export async function adminOverview(): Promise<AdminOverview> {
  const context = getTeamContext();
  const [teams, teamRoles, audit, redis, replication, outbox, discord, roleCache, openJournals, mirror, guildRoles] = await Promise.all([
    // With Redis away the lists are empty and the health panel says why.
    allTeams(context).catch(() => []),
    teamRoleCandidates(context).catch(() => []),
    auditRows().catch(() => []),
    redisHealth(),
    replicationHealth(),
    outboxHealth(),
    discordHealth(),
    roleCacheHealth(),
    countOpenJournals(context.redis, context.keys).catch(() => 0),
    mirrorHealth(),
    guildRolesHealth(),
  ]);
  return { teams, teamRoles, audit, health: { redis, replication, outbox, discord, roleCache, openJournals, mirror, guildRoles } };
}
