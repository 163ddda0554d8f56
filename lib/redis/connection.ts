import { Redis, SentinelConnector, type RedisOptions, type SentinelConnectionOptions } from "ioredis";
import { moduleLogger } from "@/lib/log";
import { describeRedisTarget, type RedisTarget } from "./target";

const log = moduleLogger("redis");

/** Upper bound for one Redis command; past it the caller gets an error instead of hanging a web request. */
export const redisCommandTimeoutMs = 2_000;

const connectionErrorLogEveryMs = 30_000;

const sentinelConnectTimeoutMs = 3_000;

const reconnectBackoff = (attempt: number) => Math.min(attempt * 200, 2_000);

// Slower than the data connection's: ioredis logs each failed attempt of these itself (console.error), so a Sentinel down for hours must not flood the log.
const detectorReconnectBackoff = (attempt: number) => Math.min(attempt * 500, 5_000);

const commonOptions: RedisOptions = {
  commandTimeout: redisCommandTimeoutMs,
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  retryStrategy: reconnectBackoff,
  // A primary demoted to replica refuses writes with READONLY: leave it, and (through Sentinel) find the new one.
  reconnectOnError: (error) => /READONLY/.test(error.message),
};

/**
 * ioredis' Sentinel connector, minus one way to end a connection for good.
 * The failover detector (subscribed to +switch-master) of a stream that
 * closed by itself (its primary died) stays subscribed while the connection
 * asks the Sentinels again; when the announcement lands while a Sentinel is
 * being asked, the detector's disconnect makes that connect fail, and ioredis
 * answers a failed connect with status "end": no retry, "Connection is
 * closed." on every command after. The longer a Sentinel takes to answer (a
 * hung one, or one on the dead primary's host), the likelier. Dropping the
 * previous stream's detector before each connect closes the window; the new
 * stream gets its own detector once it connects. `Connector` is an option,
 * so `duplicate()`d connections keep it.
 */
class SentinelConnectorDroppingStaleDetector extends SentinelConnector {
  // ioredis hands a Connector the whole option object, typed unknown; it holds the Sentinel options set below.
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
    hearDetectorErrors(this);
  }

  override connect(...args: Parameters<SentinelConnector["connect"]>): ReturnType<SentinelConnector["connect"]> {
    // Called only once the previous stream has closed; disconnect() ends nothing live, it unsubscribes the detector.
    super.disconnect();
    return super.connect(...args);
  }
}

const detectorErrorLogEveryMs = 60_000;

/**
 * The failover detector's Sentinel connections come with no error listener,
 * so ioredis prints each of their failed reconnects ("[ioredis] Unhandled
 * error event: … ECONNREFUSED") straight to stderr, every few seconds per
 * connection for as long as a Sentinel is down. Every Sentinel connection the
 * connector makes (`connectToSentinel`, private in ioredis' types) gets one
 * here, which says it through our log, once a minute per connector. If a
 * later ioredis renames the method, nothing changes but the noise.
 */
function hearDetectorErrors(connector: SentinelConnector): void {
  const internals = connector as unknown as { connectToSentinel?: (...args: unknown[]) => unknown };
  const connectToSentinel = internals.connectToSentinel;
  if (typeof connectToSentinel !== "function") return;
  let lastLogAt = 0;
  const onError = (error: Error) => {
    if (Date.now() - lastLogAt < detectorErrorLogEveryMs) return;
    lastLogAt = Date.now();
    log.warn({ err: error.message }, "a Sentinel is unreachable; failovers are still noticed through the others, or when the primary goes");
  };
  internals.connectToSentinel = (...args: unknown[]) => {
    const client = connectToSentinel.apply(connector, args);
    if (client instanceof Redis) client.on("error", onError);
    return client;
  };
}

function sentinelOptions(target: Extract<RedisTarget, { kind: "sentinel" }>): RedisOptions {
  return {
    ...commonOptions,
    Connector: SentinelConnectorDroppingStaleDetector,
    sentinels: target.sentinels,
    name: target.masterName,
    role: "master",
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    failoverDetector: true,
    // When no Sentinel answers, keep asking them (with the same capped backoff) rather than giving up.
    sentinelRetryStrategy: reconnectBackoff,
    // The failover detector's Sentinel connections come back within seconds of a Sentinel restart (ioredis
    // waits a minute): until then a primary lost without a reset, or demoted alive, goes unnoticed.
    sentinelReconnectStrategy: detectorReconnectBackoff,
    sentinelCommandTimeout: redisCommandTimeoutMs,
    // A primary that vanished without refusing (a dead host, not a dead process) is given up on quickly, and the Sentinels asked again.
    connectTimeout: sentinelConnectTimeoutMs,
  };
}

/**
 * Opens a connection with the settings every app process uses: bounded
 * command time; endless reconnect with capped backoff, so the app recovers
 * by itself when Redis returns; and no offline queue, so while Redis is away
 * a command fails at once (and the caller serves its fallback) instead of
 * piling up and hanging web requests.
 *
 * A Sentinel target goes through ioredis' own Sentinel support: each
 * (re)connect asks a Sentinel for the primary and checks the server's role,
 * and `failoverDetector` drops the connection as soon as a Sentinel
 * announces a new primary, instead of waiting for the old one to time out.
 * A string is a URL, as every caller passed before Sentinel was supported.
 */
export function createRedis(target: RedisTarget | string): Redis {
  const resolved: RedisTarget = typeof target === "string" ? { kind: "url", url: target } : target;
  const redis = resolved.kind === "url" ? new Redis(resolved.url, { ...commonOptions }) : new Redis(sentinelOptions(resolved));
  let wasReady = false;
  let lastErrorLogAt = 0;
  const where = describeRedisTarget(resolved);
  redis.on("ready", () => {
    // Through Sentinel, which server answered tells whether this reconnect followed a failover.
    if (wasReady) log.info({ redis: where, server: `${redis.stream.remoteAddress ?? "?"}:${redis.stream.remotePort ?? "?"}` }, "redis reconnected");
    wasReady = true;
    lastErrorLogAt = 0;
  });
  redis.on("error", (error: Error) => {
    // Reconnect attempts fail every couple of seconds during an outage: say so once in a while, not every time.
    if (Date.now() - lastErrorLogAt < connectionErrorLogEveryMs) return;
    lastErrorLogAt = Date.now();
    log.warn({ err: error.message, redis: where }, "redis connection error; reconnecting");
  });
  return redis;
}

/** Resolves once the connection is usable, or after `timeoutMs` (false): start-up should not hang on Redis. */
export function waitUntilReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once("ready", onReady);
  });
}

/**
 * True for errors that mean "Redis is not reachable right now" (as opposed
 * to a bug): the connection is down, not yet up, or a command timed out.
 * During a Sentinel failover a command may also meet a server that is no
 * longer (or not yet) the primary, or find no Sentinel answering: those are
 * the same seconds-long outage, and the caller answers 503 with Retry-After.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return connectionLost.test(error.message) || switchingPrimary.test(error.message);
}

const connectionLost = /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|MaxRetriesPerRequest|enableOfflineQueue/i;

/**
 * READONLY: a primary demoted to replica (the connection moves on by itself);
 * LOADING: a restarted server still reading its file; MASTERDOWN: a replica
 * cut off from its primary; TRYAGAIN: a command refused mid-switch; and
 * ioredis' own words when no Sentinel answers.
 */
const switchingPrimary = /\bREADONLY\b|^LOADING\b|\bMASTERDOWN\b|^TRYAGAIN\b|All sentinels are unreachable|failed to connect to sentinel/i;
