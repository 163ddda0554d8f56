import { createHash } from "node:crypto";

/** A route's rate limit: `count` requests per fixed window of `windowSeconds`. */
export type RouteLimit = { count: number; windowSeconds: number };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type CatalogEntry = {
  method: HttpMethod;
  template: string;
  /** Routes in one group share one `X-RateLimit-Bucket` hash and one bucket state, as on Discord. */
  bucketGroup: string;
  /** `null` for pages of the website (discord.com), which have no REST rate limits. */
  defaultLimit: RouteLimit | null;
  /** Website pages answer with or without the `/api` prefix; REST routes need it. */
  website: boolean;
  /** A resource every caller shares a limit on (a `shared` 429), when one is configured. */
  sharedResource?: SharedResource;
};

/** `member-roles`: one member's roles, named by the route's `guild_id` and `user_id`. */
export type SharedResource = "member-roles";

const MEMBER_LOOKUP_LIMIT: RouteLimit = { count: 5, windowSeconds: 60 };
const MEMBER_ROLE_LIMIT: RouteLimit = { count: 10, windowSeconds: 10 };
const OTHER_ROUTE_LIMIT: RouteLimit = { count: 5, windowSeconds: 5 };
/**
 * Bots posting in one channel: Discord documents no number (only the
 * headers), and discord.js users observe 5 per 5 s per channel; so here.
 */
const CHANNEL_MESSAGE_LIMIT: RouteLimit = { count: 5, windowSeconds: 5 };

function rest(method: HttpMethod, template: string, defaultLimit = OTHER_ROUTE_LIMIT, bucketGroup = `${method} ${template}`): CatalogEntry {
  return { method, template, bucketGroup, defaultLimit, website: false };
}

function page(method: HttpMethod, template: string): CatalogEntry {
  return { method, template, bucketGroup: `${method} ${template}`, defaultLimit: null, website: true };
}

const MEMBER_ROLE_TEMPLATE = "/guilds/:guild_id/members/:user_id/roles/:role_id";

/** Every route the emulator serves, keyed the way `--route-limit`, faults and stats name them. */
export const ROUTE_CATALOG = {
  "GET /oauth2/authorize": page("GET", "/oauth2/authorize"),
  "POST /oauth2/authorize": page("POST", "/oauth2/authorize"),
  "GET /invite/:code": page("GET", "/invite/:code"),
  "POST /invite/:code": page("POST", "/invite/:code"),
  "POST /oauth2/token": rest("POST", "/oauth2/token"),
  "POST /oauth2/token/revoke": rest("POST", "/oauth2/token/revoke"),
  "GET /users/@me": rest("GET", "/users/@me"),
  "GET /users/@me/guilds/:guild_id/member": rest("GET", "/users/@me/guilds/:guild_id/member", MEMBER_LOOKUP_LIMIT),
  "GET /guilds/:guild_id/members/:user_id": rest("GET", "/guilds/:guild_id/members/:user_id"),
  "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { ...rest("PUT", MEMBER_ROLE_TEMPLATE, MEMBER_ROLE_LIMIT, "member-role"), sharedResource: "member-roles" },
  "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id": { ...rest("DELETE", MEMBER_ROLE_TEMPLATE, MEMBER_ROLE_LIMIT, "member-role"), sharedResource: "member-roles" },
  "GET /guilds/:guild_id/roles": rest("GET", "/guilds/:guild_id/roles"),
  "POST /guilds/:guild_id/roles": rest("POST", "/guilds/:guild_id/roles"),
  "GET /guilds/:guild_id/roles/:role_id": rest("GET", "/guilds/:guild_id/roles/:role_id"),
  "PATCH /guilds/:guild_id/roles/:role_id": rest("PATCH", "/guilds/:guild_id/roles/:role_id"),
  "DELETE /guilds/:guild_id/roles/:role_id": rest("DELETE", "/guilds/:guild_id/roles/:role_id"),
  "POST /channels/:channel_id/messages": rest("POST", "/channels/:channel_id/messages", CHANNEL_MESSAGE_LIMIT),
  "GET /channels/:channel_id/messages": rest("GET", "/channels/:channel_id/messages"),
  "GET /gateway": rest("GET", "/gateway"),
  "GET /gateway/bot": rest("GET", "/gateway/bot"),
} as const satisfies Record<string, CatalogEntry>;

export type RouteKey = keyof typeof ROUTE_CATALOG;

export const ROUTE_KEYS = Object.keys(ROUTE_CATALOG) as RouteKey[];

export function isRouteKey(value: string): value is RouteKey {
  return Object.hasOwn(ROUTE_CATALOG, value);
}

export function isRateLimited(key: RouteKey): boolean {
  return ROUTE_CATALOG[key].defaultLimit !== null;
}

const hashes = new Map<string, string>();

/** Opaque like Discord's hashes, stable across restarts so clients can learn the route→bucket mapping. */
export function bucketHash(bucketGroup: string): string {
  let hash = hashes.get(bucketGroup);
  if (hash === undefined) {
    hash = createHash("sha256").update(`safa-emulator:${bucketGroup}`).digest("hex").slice(0, 32);
    hashes.set(bucketGroup, hash);
  }
  return hash;
}
