/**
 * A separate app process for the cross-process role tests: at an agreed
 * instant, `tabs` concurrent tabs per session look up one user's roles and
 * the process prints how each lookup was answered. Without a duration each
 * tab looks up once (a burst); with one, each tab refocuses every 20-80 ms
 * until the time is up (a storm).
 * Usage: tsx lookup-worker.ts <redisUrl> <apiBase> <userId> <sessionId,sessionId...> <tabs> <startAtEpochMs> [durationMs]
 */
import { Redis } from "ioredis";
import { createTokenStore } from "@/lib/auth/token-store";
import { createRoleService } from "@/lib/roles/service";

export type WorkerAnswer =
  | { session: number; how: string; roles: string[]; ageMs: number }
  | { session: number; how: "unavailable" }
  | { session: number; how: "error"; message: string };

async function main(): Promise<void> {
  const [redisUrl, apiBase, userId, sessionList, tabs, startAt, duration] = process.argv.slice(2);
  if (!redisUrl || !apiBase || !userId || !sessionList || !tabs || !startAt) {
    throw new Error("usage: lookup-worker <redisUrl> <apiBase> <userId> <sessionId,sessionId...> <tabs> <startAt> [durationMs]");
  }
  const sessionIds = sessionList.split(",");
  const redis = new Redis(redisUrl);
  const tokens = createTokenStore({
    redis,
    secret: "integration-test-secret-0123456789abcdef",
    oauth: { apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" },
  });
  const roles = createRoleService({ redis, apiBase, guildId: "1100000000000000001", tokens });
  const answers: WorkerAnswer[] = [];

  async function lookUp(session: number): Promise<void> {
    try {
      const result = await roles.lookup(userId ?? "", sessionIds[session] ?? "");
      answers.push(result.kind === "roles" ? { session, how: result.how, roles: result.snapshot.roles, ageMs: Date.now() - result.snapshot.fetchedAt } : { session, how: "unavailable" });
    } catch (error) {
      answers.push({ session, how: "error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }

  async function tab(session: number, endsAt: number | null): Promise<void> {
    await lookUp(session);
    while (endsAt !== null && Date.now() < endsAt) {
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 60));
      await lookUp(session);
    }
  }

  await redis.ping();
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const endsAt = duration === undefined ? null : Number(startAt) + Number(duration);
  await Promise.all(sessionIds.flatMap((_, session) => Array.from({ length: Number(tabs) }, () => tab(session, endsAt))));
  process.stdout.write(JSON.stringify(answers));
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
