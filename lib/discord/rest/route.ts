import { tokenDigest } from "@/lib/auth/token-digest";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A path as `Routes.*` from discord-api-types returns it, e.g. `/guilds/1/roles`. */
export type RouteLike = `/${string}`;

/** What the limiter needs to know about one request's route. */
export type ParsedRoute = {
  method: HttpMethod;
  /** The path to request, query string included. */
  path: RouteLike;
  /** Path with ids replaced (`/guilds/:guild_id/members/:id`): a metric label, safe to log. */
  template: string;
  /** `METHOD template`: what Discord maps to a bucket hash. */
  routeId: string;
  /**
   * The top-level resource Discord limits separately (guild, channel, or
   * webhook id plus token digest), plus the bearer token digest on OAuth2
   * routes; `-` when there is none.
   */
  major: string;
  /** `routeId:major`: the unit that is single-flight until its bucket is learned. */
  routeKey: string;
  /** Interaction callbacks do not count toward the global limit. */
  globalExempt: boolean;
};

const majorCollections = new Set(["channels", "guilds", "webhooks"]);
const snowflake = /^\d+$/;

/**
 * Derives the bucket identity of a request from its path, the way Discord
 * documents it: method + path template + major parameter. Tokens inside
 * paths (webhooks, interactions) never appear in the result in clear.
 */
export function parseRoute(method: HttpMethod, path: RouteLike, bearerToken?: string): ParsedRoute {
  const pathname = path.split("?")[0] ?? path;
  const segments = pathname.split("/").slice(1);
  const out: string[] = [];
  let major = "-";
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] ?? "";
    const previous = segments[i - 1];
    const beforePrevious = segments[i - 2];
    if (i === 1 && previous !== undefined && majorCollections.has(previous) && snowflake.test(segment)) {
      major = segment;
      out.push(`:${previous.slice(0, -1)}_id`);
    } else if (i === 2 && (beforePrevious === "webhooks" || beforePrevious === "interactions") && !snowflake.test(segment) && isTokenSegment(segment)) {
      if (beforePrevious === "webhooks") major = `${major}/${tokenDigest(segment)}`;
      out.push(":token");
    } else if (previous === "reactions") {
      out.push(":reaction");
    } else if (snowflake.test(segment)) {
      out.push(":id");
    } else {
      out.push(segment);
    }
  }
  if (bearerToken !== undefined) major = `${major}@${tokenDigest(bearerToken)}`;
  const template = `/${out.join("/")}`;
  const routeId = `${method} ${template}`;
  return {
    method,
    path,
    template,
    routeId,
    major,
    routeKey: `${routeId}:${major}`,
    globalExempt: segments[0] === "interactions" && segments[3] === "callback",
  };
}

/** Webhook and interaction tokens are long opaque strings; named sub-paths are short words. */
function isTokenSegment(segment: string): boolean {
  return segment.length >= 20;
}
