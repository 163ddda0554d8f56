import { fetchMember } from "@/lib/roles/fetch-member";
import type { RoleStrategy, StrategyDeps } from "./types";

/** Same bound on a Discord call as the role service, so latencies compare. */
const discordTimeoutMs = 4_000;
/** Shown to the user when Discord refused without saying for how long. */
const unavailableRetrySeconds = 5;

/** No cache at all: every refetch asks Discord, and whatever Discord says is the answer, a 429 included. */
export function noneStrategy(deps: StrategyDeps): RoleStrategy {
  return {
    async lookup(_userId, sessionId) {
      const accessToken = await deps.tokens.accessToken(sessionId);
      const outcome = await fetchMember({ apiBase: deps.apiBase, guildId: deps.guildId, accessToken, timeoutMs: discordTimeoutMs });
      if (outcome.kind === "member") return { kind: "roles", member: true, roles: outcome.roles, fetchedAt: Date.now(), stale: false };
      if (outcome.kind === "not-member") return { kind: "roles", member: false, roles: [], fetchedAt: Date.now(), stale: false };
      const retryAfterMs = "retryAfterMs" in outcome ? outcome.retryAfterMs : unavailableRetrySeconds * 1_000;
      return {
        kind: "unavailable",
        retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1_000)),
        message: outcome.status === 429 ? "Discord rate limited this lookup." : `Discord answered ${outcome.status ?? "nothing"}.`,
      };
    },
  };
}
