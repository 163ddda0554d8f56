import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";
import { createTokenStore } from "@/lib/auth/token-store";
import { createDiscordRest } from "@/lib/discord/rest/create-discord-rest";
import { createRoleService } from "@/lib/roles/service";
import { GUILD_ID, ROLE_IDS } from "../../emulator/fixture";
import { startEmulator } from "../../emulator/server";
import type { EmulatorOptions } from "../../emulator/config";

export const testSecret = "integration-test-secret-0123456789abcdef";
export const guildId = GUILD_ID;
export const personas = {
  outsider: "1200000000000000001",
  newcomer: "1200000000000000002",
  freeagent: "1200000000000000003",
  manager: "1200000000000000004",
  player: "1200000000000000005",
  admin: "1200000000000000006",
} as const;
export const roleIds = ROLE_IDS;
export const memberRoute = "GET /users/@me/guilds/:guild_id/member";

/** A fresh connection to the run's private Redis, emptied first: integration files run one at a time. */
export async function freshRedis(): Promise<Redis> {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  return redis;
}

export async function emulator(options: EmulatorOptions = {}) {
  const handle = await startEmulator({ port: 0, ...options });
  const apiBase = `${handle.url}/api/v10`;
  async function control<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
    const response = await fetch(`${handle.url}/__emulator/${path}`, {
      method: init?.method ?? (init?.body === undefined ? "GET" : "POST"),
      headers: { "Content-Type": "application/json" },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    ...handle,
    apiBase,
    control,
    tokens: (userId: string, expiresIn?: number) =>
      control<{ access_token: string; refresh_token: string; expires_in: number }>("tokens", { body: { user_id: userId, ...(expiresIn ? { expires_in: expiresIn } : {}) } }),
    stats: () => control<{ requests: number; rateLimited: number; invalid: number; routes: Record<string, { requests: number; rateLimited: number }> }>("stats"),
    async botRole(method: "PUT" | "DELETE", userId: string, roleId: string) {
      const response = await fetch(`${apiBase}/guilds/${guildId}/members/${userId}/roles/${roleId}`, { method, headers: { Authorization: "Bot emulator-bot-token" } });
      if (response.status !== 204) throw new Error(`bot role change answered ${response.status}`);
    },
  };
}
export type TestEmulator = Awaited<ReturnType<typeof emulator>>;

/** A token store, the bot's REST client and the role service on it, as one app process would build them. */
export function appServices(redis: Redis, emu: TestEmulator) {
  const tokens = createTokenStore({
    redis,
    secret: testSecret,
    oauth: { apiBase: emu.apiBase, clientId: "1400000000000000001", clientSecret: "emulator-client-secret" },
  });
  const rest = createDiscordRest({ redis, apiBase: emu.apiBase, botToken: "emulator-bot-token", subscribe: false });
  const roles = createRoleService({ redis, rest, apiBase: emu.apiBase, guildId, tokens });
  return { tokens, rest, roles };
}

/** Logs a persona in at the emulator and stores its tokens under a new session id, as the login callback does. */
export async function signIn(emu: TestEmulator, services: Pick<ReturnType<typeof appServices>, "tokens">, userId: string, options: { expiresIn?: number; claimedExpiresAt?: number } = {}) {
  const granted = await emu.tokens(userId, options.expiresIn);
  const sessionId = `session-${userId}-${Math.random().toString(36).slice(2)}`;
  await services.tokens.save(sessionId, {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token,
    expiresAt: options.claimedExpiresAt ?? Date.now() + granted.expires_in * 1_000,
    scope: "identify guilds.members.read",
    userId,
  });
  return { sessionId, ...granted };
}

/**
 * The set-up most integration files share: one emulator for the file, and
 * for each test an emptied Redis and a reset emulator. The fields are
 * filled by the hooks, so read them inside tests, not at definition time.
 */
export function emulatorAndRedisPerTest(options: EmulatorOptions = {}): { redis: Redis; emu: TestEmulator } {
  const stack = {} as { redis: Redis; emu: TestEmulator };
  beforeAll(async () => {
    stack.emu = await emulator(options);
  });
  afterAll(async () => {
    await stack.emu.close();
  });
  beforeEach(async () => {
    stack.redis = await freshRedis();
    await stack.emu.control("reset", { body: {} });
  });
  afterEach(() => {
    stack.redis.disconnect();
  });
  return stack;
}
