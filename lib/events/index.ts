import "server-only";
import type { Redis } from "ioredis";
import { ApiError } from "@/lib/api/errors";
import { isSameOrigin } from "@/lib/api/with-session";
import { getTokenStore } from "@/lib/auth";
import type { SessionUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import { createRedis } from "@/lib/redis/connection";
import { getTeamContext, myTeam } from "@/lib/teams";
import { parseLastEventId } from "./format";
import { createEventHub, type EventHub } from "./hub";
import { eventKeyspace } from "./keys";
import { openEventStream, type StreamDeps } from "./open-stream";
import { readCachedRoles } from "./read-roles";

export { publishRolesChanged, publishTeamChanged } from "./publish";

/** One subscriber connection and one hub per process, whichever bundle layer asks first. */
const globalForEvents = globalThis as unknown as { safaEventHub?: EventHub };

function getEventHub(): EventHub {
  globalForEvents.safaEventHub ??= createEventHub(createRedis(getEnv().REDIS_URL), eventKeyspace());
  return globalForEvents.safaEventHub;
}

function streamDeps(redis: Redis): StreamDeps {
  return {
    redis,
    hub: getEventHub(),
    keys: eventKeyspace(),
    readRoles: readCachedRoles,
    readTeam: (user) => myTeam(getTeamContext(), user),
    sessionAlive: (sessionId) => getTokenStore().alive(sessionId),
  };
}

/**
 * A stream is a GET, which the session guard lets through from anywhere:
 * refuse one another site opens in the user's name (`Origin` is sent on
 * cross-origin EventSource requests, `Sec-Fetch-Site` by every current browser).
 */
function refuseCrossSite(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  const crossSite = site !== null && site !== "same-origin";
  if (crossSite || (request.headers.get("origin") !== null && !isSameOrigin(request))) {
    throw new ApiError("cross_origin", "Live updates are only for the SAFA Dashboard's own pages.");
  }
}

/** `GET /api/events` for the signed-in user: their own notices only, whatever the request asks. */
export function openEventStreamFor(request: Request, user: SessionUser): Promise<Response> {
  refuseCrossSite(request);
  return openEventStream(streamDeps(getRedis()), user, parseLastEventId(request.headers.get("last-event-id")), request.signal);
}
