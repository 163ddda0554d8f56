/**
 * A separate app process for the refresh race: at an agreed instant it asks
 * for the session's access token `count` times at once and prints them.
 * Usage: tsx refresh-worker.ts <redisUrl> <apiBase> <sessionId> <count> <startAtEpochMs>
 */
import { Redis } from "ioredis";
import { createTokenStore } from "@/lib/auth/token-store";

async function main(): Promise<void> {
  const [redisUrl, apiBase, sessionId, count, startAt] = process.argv.slice(2);
  if (!redisUrl || !apiBase || !sessionId || !count || !startAt) throw new Error("usage: refresh-worker <redisUrl> <apiBase> <sessionId> <count> <startAt>");
  const redis = new Redis(redisUrl);
  const tokens = createTokenStore({
    redis,
    secret: "integration-test-secret-0123456789abcdef",
    oauth: { apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" },
  });
  await redis.ping();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const results = await Promise.all(Array.from({ length: Number(count) }, () => tokens.accessToken(sessionId)));
  process.stdout.write(JSON.stringify(results));
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
