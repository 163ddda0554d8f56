import type { SessionInfo } from "@discordjs/ws";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { GatewayKeys } from "./keys";

const storedSchema = z.object({
  sessionId: z.string().min(1),
  resumeUrl: z.string().min(1),
  shardCount: z.coerce.number().int(),
  sequence: z.coerce.number().int().default(0),
});

/**
 * The Gateway session the last leader left, as the library's SessionInfo.
 * Its `sequence` is the last dispatch the mirror applied (not merely
 * received), so a leader that takes over resumes right after it and
 * Discord replays everything the dead leader had not applied.
 */
export async function loadSession(redis: Redis, keys: GatewayKeys): Promise<SessionInfo | null> {
  const parsed = storedSchema.safeParse(await redis.hgetall(keys.session));
  if (!parsed.success) return null;
  const { sessionId, resumeUrl, shardCount, sequence } = parsed.data;
  return { sessionId, resumeURL: resumeUrl, shardCount, shardId: 0, sequence };
}
