import { createRoleService } from "@/lib/roles/service";
import type { RoleStrategy, StrategyDeps } from "./types";

/** The product's role service from lib/roles, unchanged: pacing from headers per user (every device of a user shares it), one lookup in flight per user. */
export function oursStrategy(deps: StrategyDeps): RoleStrategy {
  const service = createRoleService({ redis: deps.redis, apiBase: deps.apiBase, guildId: deps.guildId, tokens: deps.tokens });
  return {
    async lookup(userId, sessionId) {
      const lookup = await service.lookup(userId, sessionId);
      if (lookup.kind === "unavailable") {
        return { kind: "unavailable", retryAfterSeconds: Math.max(1, Math.ceil(lookup.retryAfterMs / 1_000)), message: lookup.message };
      }
      const { snapshot } = lookup;
      return { kind: "roles", member: snapshot.member, roles: snapshot.roles, fetchedAt: snapshot.fetchedAt, stale: lookup.stale };
    },
  };
}
