import { inject } from "vitest";
import { freshRedis, type TestEmulator } from "./harness";
import { ids } from "./teams-world";

/**
 * The app's configuration and lifecycle for tests that call its route
 * handlers in-process: the real env module, Redis connection and REST
 * client, pointed at the emulator and the test's Redis.
 */
export const appOrigin = "http://dashboard.test";

/** The env the app validates at start-up; `extra` adds or replaces variables (a test's own secret, Redis, demo mode). */
export function appEnv(emu: TestEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DISCORD_CLIENT_ID: "1400000000000000001",
    DISCORD_CLIENT_SECRET: "emulator-client-secret",
    DISCORD_BOT_TOKEN: "emulator-bot-token",
    DISCORD_API_BASE: emu.apiBase,
    DISCORD_GUILD_ID: "1100000000000000001",
    DISCORD_INVITE_URL: `${emu.url}/invite/safa`,
    DISCORD_ROLE_UPDATED_PROFILE: ids.updatedProfile,
    DISCORD_ROLE_FREE_AGENT: ids.freeAgent,
    DISCORD_ROLE_PLAYER: ids.player,
    DISCORD_ROLE_TEAM_MANAGER: ids.teamManager,
    DISCORD_ROLE_TOURNAMENT_ADMIN: ids.tournamentAdmin,
    REDIS_URL: inject("redisUrl"),
    NEXTAUTH_URL: appOrigin,
    NEXTAUTH_SECRET: "integration-test-secret-0123456789abcdef",
    LOG_LEVEL: "silent",
    ...extra,
  };
}

/** Sets the app's env; call before the first import of any app module, which reads it once. */
export function configureApp(emu: TestEmulator, extra: Record<string, string> = {}): void {
  Object.assign(process.env, appEnv(emu, extra));
}

/** The app's connection fails fast instead of queueing, so a test waits until it is up. */
export async function appRedisReady(): Promise<void> {
  const { getRedis } = await import("@/lib/redis/client");
  const redis = getRedis();
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
}

/** Each test starts from an empty Redis and an emulator back at its fixture. */
export async function resetWorld(emu: TestEmulator): Promise<void> {
  const redis = await freshRedis();
  redis.disconnect();
  emu.reset();
}

/** Closes what the app opened (its REST client and Redis connection), then the emulator. */
export async function closeApp(emu: TestEmulator): Promise<void> {
  const { getDiscordRest } = await import("@/lib/discord");
  const { getRedis } = await import("@/lib/redis/client");
  await getDiscordRest().close();
  getRedis().disconnect();
  await emu.close();
}

export type RouteAnswer = { status: number; body: Record<string, unknown> };

/** A route handler's JSON answer, as the browser's client reads it. */
export async function answer(response: Response): Promise<RouteAnswer> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
