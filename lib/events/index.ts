import "server-only";
import type { Redis } from "ioredis";
import { ApiError } from "@/lib/api/errors";
import { getTokenStore } from "@/lib/auth";
import type { SessionUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { getRedis } from "@/lib/redis/client";
import { createRedis } from "@/lib/redis/connection";
import { redisTargetFromEnv } from "@/lib/redis/target";
import { getTeamContext, myTeam } from "@/lib/teams";
import { opensFromElsewhere } from "./cross-site";
import { parseLastEventId } from "./format";
import { createEventHub, type EventHub } from "./hub";
import { eventKeyspace } from "./keys";
import { openEventStream, type StreamDeps } from "./open-stream";
import { readCachedRoles } from "./read-roles";

export { publishRolesChanged, publishTeamChanged } from "./publish";

/** One subscriber connection and one hub per process, whichever bundle layer asks first. */
const globalForEvents = globalThis as unknown as { safaEventHub?: EventHub };

function getEventHub(): EventHub {
  globalForEvents.safaEventHub ??= createEventHub(createRedis(redisTargetFromEnv(getEnv())), eventKeyspace());
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

/** `GET /api/events` for the signed-in user: their own notices only, whatever the request asks. */
export async function openEventStreamFor(request: Request, user: SessionUser): Promise<Response> {
  if (opensFromElsewhere(request.headers, getEnv().NEXTAUTH_URL)) throw new ApiError("cross_origin", "Live updates are only for the SAFA Dashboard's own pages.");
  return openEventStream(streamDeps(getRedis()), user, parseLastEventId(request.headers.get("last-event-id")), request.signal);
}
