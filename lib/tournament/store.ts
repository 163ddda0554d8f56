import "server-only";
import { untouchedWindow, windowHashSchema, type WindowRecord } from "./window";
import type { TournamentContext } from "./context";

/** The tournament's records as stored, every value parsed at the boundary. */
export async function readWindowRecord(context: TournamentContext): Promise<WindowRecord> {
  const hash = await context.redis.hgetall(context.keys.transferWindow);
  const parsed = windowHashSchema.safeParse(hash);
  if (parsed.success) return parsed.data;
  context.log.error({ issues: parsed.error.issues.length }, "the transfer window's record does not parse; reading it as untouched");
  return untouchedWindow;
}
