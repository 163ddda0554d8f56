import type { AdminHealth, MirrorHealth, OutboxHealth, ReplicationHealth } from "@/lib/admin/answer";

function Light({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold ${ok ? "text-emerald-800" : "text-red-800"}`}>
      <span aria-hidden="true" className={`h-2.5 w-2.5 rounded-full ${ok ? "bg-emerald-600" : "bg-red-600"}`} />
      {label}
    </span>
  );
}

const unknown = "Unknown";

function secondsAgo(seconds: number | null, none: string): string {
  if (seconds === null) return none;
  return seconds < 10 ? `${seconds.toFixed(1)} s ago` : `${Math.round(seconds)} s ago`;
}

/** The Gateway mirror: where roles come from now and why, then its numbers. */
function MirrorEntries({ mirror }: { mirror: MirrorHealth }) {
  return (
    <>
      <div className="sm:col-span-2">
        <dt className="text-sm text-slate-600">Role mirror (Discord Gateway)</dt>
        <dd>
          <Light ok={mirror.live} label={mirror.sentence} />
          {mirror.reasons.length > 0 && <p className="text-slate-900">Why: {mirror.reasons.join("; ")}.</p>}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Mirror leader</dt>
        <dd className="text-slate-900">{mirror.leaderId !== null ? <code className="text-xs">{mirror.leaderId}</code> : mirror.statusRead ? "None" : unknown}</dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Members mirrored</dt>
        <dd className="text-slate-900">{mirror.membersMirrored ?? unknown}</dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Full member syncs</dt>
        <dd className="text-slate-900">
          {mirror.resyncCount ?? unknown}
          {mirror.resyncRunning && " (one running now)"}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Last Gateway event applied</dt>
        <dd className="text-slate-900">{secondsAgo(mirror.lastEventAgeSeconds, mirror.statusRead ? "None yet" : unknown)}</dd>
      </div>
    </>
  );
}

function roleLabel(replication: ReplicationHealth): string {
  if (!replication.statusRead) return `${unknown}: Redis did not answer`;
  const role = replication.role === "primary" ? "Primary" : "Replica";
  const connected = replication.connectedReplicas ?? 0;
  const wanted = replication.wait.replicas;
  const replicas = `${connected} ${connected === 1 ? "replica" : "replicas"} connected`;
  return wanted === 0 ? `${role} · ${replicas} · actions wait for none` : `${role} · ${replicas} · actions wait for ${wanted} (up to ${replication.wait.timeoutMs} ms)`;
}

/** Redis replication: what the app writes to, its replicas, and whether actions can be confirmed as stored. */
function ReplicationEntries({ replication }: { replication: ReplicationHealth }) {
  return (
    <>
      <div className="sm:col-span-2" data-testid="redis-replication">
        <dt className="text-sm text-slate-600">Redis replication</dt>
        <dd>
          <Light ok={replication.statusRead && replication.warnings.length === 0} label={roleLabel(replication)} />
          {replication.warnings.map((warning) => (
            <p key={warning} className="text-slate-900">
              {warning}
            </p>
          ))}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Redis connection</dt>
        <dd className="text-slate-900">
          {replication.sentinel === null ? (
            "One server (REDIS_URL)"
          ) : (
            <>
              Sentinel, master <code className="text-xs">{replication.sentinel.masterName}</code> via {replication.sentinel.sentinels.join(", ")}
            </>
          )}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Primary changes (this process)</dt>
        <dd className="text-slate-900">
          {replication.primaryChanges}
          {replication.lastPrimaryChangeAgeSeconds !== null && `, the last ${secondsAgo(replication.lastPrimaryChangeAgeSeconds, "")}`}
        </dd>
      </div>
      {replication.replicas.length > 0 && (
        <div className="sm:col-span-2">
          <dt className="text-sm text-slate-600">Replicas</dt>
          <dd className="text-slate-900">
            <ul className="list-inside list-disc">
              {replication.replicas.map((replica) => (
                <li key={replica.address}>
                  <code className="text-xs">{replica.address}</code>: {replica.state}
                  {replica.lagSeconds !== null && `, last confirmed ${replica.lagSeconds} s ago`}
                </li>
              ))}
            </ul>
          </dd>
        </div>
      )}
    </>
  );
}

/** The transactions outbox: what waits to be posted in the channel, and what the drainer did. */
function OutboxEntries({ outbox }: { outbox: OutboxHealth }) {
  const failed = outbox.failed;
  return (
    <>
      <div className="sm:col-span-2" data-testid="outbox">
        <dt className="text-sm text-slate-600">Transactions channel</dt>
        <dd>
          <Light ok={(outbox.statusRead || !outbox.enabled) && outbox.warning === null} label={outbox.sentence} />
          {outbox.warning !== null && <p className="text-slate-900">{outbox.warning}</p>}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Posting worker</dt>
        <dd className="text-slate-900">{outbox.drainerId !== null ? <code className="text-xs">{outbox.drainerId}</code> : outbox.statusRead ? "None" : unknown}</dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Announcements posted · failed</dt>
        <dd className="text-slate-900">
          {outbox.posted ?? unknown}
          {failed !== null &&
            ` · refused ${failed.refused} (dropped), rate-limited ${failed.rate_limited}, Discord errors ${failed.server_error}, no answer ${failed.no_answer} (retried)`}
        </dd>
      </div>
    </>
  );
}

/** Redis and its replication, Discord's rate-limit state (from the REST client's inspect API), the role cache, the Gateway mirror and the transactions outbox, at page load. */
export function HealthPanel({ health }: { health: AdminHealth }) {
  const { redis, discord, roleCache } = health;
  return (
    <dl className="grid gap-4 sm:grid-cols-2" data-testid="health">
      <div>
        <dt className="text-sm text-slate-600">Redis</dt>
        <dd>
          <Light ok={redis.reachable} label={redis.reachable ? `Reachable (${redis.latencyMs} ms)` : "Unreachable"} />
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Discord breaker</dt>
        <dd>
          {discord.known ? (
            <Light ok={!discord.breaker.open} label={discord.breaker.open ? `Open: ${discord.breaker.reason}` : "Closed (requests flow)"} />
          ) : (
            <Light ok={false} label={`Unknown: ${discord.reason}`} />
          )}
        </dd>
      </div>
      {discord.known && (
        <>
          <div>
            <dt className="text-sm text-slate-600">Rate limits, last 10 minutes</dt>
            <dd className="text-slate-900">
              {discord.rateLimitedLast10Minutes} × 429 · {discord.invalidLast10Minutes} invalid requests (we stop at {discord.invalidRefuseAt})
            </dd>
          </div>
          <div>
            <dt className="text-sm text-slate-600">Limiter</dt>
            <dd className="text-slate-900">
              {discord.source === "redis" ? "Shared through Redis" : "Per process (Redis away)"} · global {discord.global.usedInWindow}/{discord.global.limit} per second
            </dd>
          </div>
          <div className="sm:col-span-2">
            <dt className="text-sm text-slate-600">Buckets near their limit</dt>
            <dd className="text-slate-900">
              {discord.bucketsNearLimit.length === 0 ? (
                "None"
              ) : (
                <ul className="list-inside list-disc">
                  {discord.bucketsNearLimit.map((bucket) => (
                    <li key={bucket.bucket}>
                      <code className="text-xs">{bucket.bucket}</code>: {bucket.remaining}/{bucket.limit} left, resets in {bucket.resetInSeconds} s
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </div>
        </>
      )}
      <div>
        <dt className="text-sm text-slate-600">Role cache hit rate (this process)</dt>
        <dd className="text-slate-900">
          {roleCache.hitRatePercent === null ? "No lookups yet" : `${roleCache.hitRatePercent} %`} · fresh {roleCache.fresh}, cached {roleCache.cached}, stale {roleCache.stale}, collapsed{" "}
          {roleCache.collapsed}, miss {roleCache.miss}
        </dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Changes settling with Discord</dt>
        <dd className="text-slate-900">{health.openJournals}</dd>
      </div>
      <div>
        <dt className="text-sm text-slate-600">Discord roles (each team is one)</dt>
        <dd data-testid="guild-roles">
          {health.guildRoles.known ? (
            <Light
              ok={!health.guildRoles.warn}
              label={`${health.guildRoles.used} of ${health.guildRoles.max} used · ${health.guildRoles.left} left${health.guildRoles.warn ? ` — few left: new teams stop when ${health.guildRoles.keptFree} remain` : ""}`}
            />
          ) : (
            unknown
          )}
        </dd>
      </div>
      <ReplicationEntries replication={health.replication} />
      <MirrorEntries mirror={health.mirror} />
      <OutboxEntries outbox={health.outbox} />
    </dl>
  );
}
