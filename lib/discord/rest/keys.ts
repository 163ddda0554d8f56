import type { AuthScope } from "./limiter-store";

/**
 * Names of every Redis key the client uses. Per-token state sits under the
 * token's digest, per-IP state (invalid requests, Cloudflare ban) under the
 * egress id, and route-to-bucket mappings are shared: Discord's hashes are
 * the same for every token.
 */
export type RestKeyspace = ReturnType<typeof restKeyspace>;

/**
 * Defaults shared by every process, so all of them meet on the same keys.
 * Nothing outside the client reads these names: the role service reaches
 * the egress state through `DiscordRest.attempt` and `DiscordRest.egress`.
 */
export const defaultRestKeyPrefix = "discord:rest:";
export const defaultEgressId = "default";

export function restKeyspace(base: string, egressId: string) {
  const namespace = (auth: AuthScope): string => `${base}${auth.kind}:${auth.digest}:`;
  return {
    bucketPrefix: (auth: AuthScope) => `${namespace(auth)}bucket:`,
    /** SCAN pattern of every token's bucket keys (state hashes and their lease sets). */
    bucketPattern: `${base}*:bucket:*`,
    globalLog: (auth: AuthScope) => `${namespace(auth)}global`,
    globalBlock: (auth: AuthScope) => `${namespace(auth)}global-block`,
    tokenInvalid: (auth: AuthScope) => `${namespace(auth)}token-invalid`,
    subBlock: (auth: AuthScope, routeKey: string) => `${namespace(auth)}sublimit:${routeKey}`,
    unmapped: (auth: AuthScope, major: string) => `${namespace(auth)}unmapped:${major}`,
    routeMap: (routeId: string) => `${base}route:${routeId}`,
    cloudflareBan: `${base}egress:${egressId}:cloudflare-ban`,
    invalidLog: `${base}egress:${egressId}:invalid`,
    rateLimitLog: `${base}rate-limited`,
    bucketRegistry: `${base}buckets`,
    wakeChannel: `${base}wake`,
  };
}
