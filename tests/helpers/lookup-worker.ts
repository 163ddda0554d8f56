/**
 * A separate app process for the collapse test: at an agreed instant it
 * fires concurrent role lookups for one user and prints how each was answered.
 * Usage: tsx lookup-worker.ts <redisUrl> <apiBase> <userId> <sessionId> <count> <startAtEpochMs>
 */
import { Redis } from "ioredis";
import { createTokenStore } from "@/lib/auth/token-store";
import { createRoleService } from "@/lib/roles/service";

async function main(): Promise<void> {
  const [redisUrl, apiBase, userId, sessionId, count, startAt] = process.argv.slice(2);
  if (!redisUrl || !apiBase || !userId || !sessionId || !count || !startAt) throw new Error("usage: lookup-worker <redisUrl> <apiBase> <userId> <sessionId> <count> <startAt>");
  const redis = new Redis(redisUrl);
  const tokens = createTokenStore({
    redis,
    secret: "integration-test-secret-0123456789abcdef",
    oauth: { apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" },
  });
  const roles = createRoleService({ redis, apiBase, guildId: "1100000000000000001", tokens });
  await redis.ping();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const results = await Promise.all(Array.from({ length: Number(count) }, () => roles.lookup(userId, sessionId)));
  process.stdout.write(JSON.stringify(results.map((result) => (result.kind === "roles" ? { how: result.how, roles: result.snapshot.roles } : { how: "unavailable" }))));
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
