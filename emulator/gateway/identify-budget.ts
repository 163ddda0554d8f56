/**
 * `session_start_limit`: IDENTIFYs per 24 h (`total`, counted from the first one of the
 * window) and per 5 s (`max_concurrency`). RESUMEs spend neither.
 */
import type { APIGatewaySessionStartLimit } from "discord-api-types/v10";
import type { Clock } from "../rate-limiter";
import { IDENTIFY_CONCURRENCY_WINDOW_MS, SESSION_START_WINDOW_MS } from "./protocol";

export type IdentifyVerdict = "ok" | "exhausted" | "too-fast";

export type IdentifyBudget = ReturnType<typeof createIdentifyBudget>;

export function createIdentifyBudget(options: { clock: Clock; total: number; maxConcurrency: number }) {
  const { clock, total, maxConcurrency } = options;
  let dayStartedAt: number | null = null;
  let used = 0;
  let recent: number[] = [];

  function rollDay(now: number): void {
    if (dayStartedAt !== null && now - dayStartedAt >= SESSION_START_WINDOW_MS) {
      dayStartedAt = null;
      used = 0;
    }
  }

  return {
    /** Spends one session start unless the day's budget is gone or too many IDENTIFYs came in the last 5 s. */
    take(): IdentifyVerdict {
      const now = clock();
      rollDay(now);
      if (used >= total) return "exhausted";
      recent = recent.filter((at) => now - at < IDENTIFY_CONCURRENCY_WINDOW_MS);
      if (recent.length >= maxConcurrency) return "too-fast";
      recent.push(now);
      dayStartedAt ??= now;
      used += 1;
      return "ok";
    },

    snapshot(): APIGatewaySessionStartLimit {
      const now = clock();
      rollDay(now);
      return {
        total,
        remaining: total - used,
        reset_after: dayStartedAt === null ? 0 : dayStartedAt + SESSION_START_WINDOW_MS - now,
        max_concurrency: maxConcurrency,
      };
    },

    reset(): void {
      dayStartedAt = null;
      used = 0;
      recent = [];
    },
  };
}
