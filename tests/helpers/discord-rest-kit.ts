import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createDiscordRest } from "../../lib/discord/rest/create-discord-rest";
import type { DiscordRest, DiscordRestOptions, Transport } from "../../lib/discord/rest/types";
import { startRedisServer } from "../../scripts/redis-server";

/** A private redis-server for one test file. */
async function startTestRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "safa-rest-redis-"));
  const server = await startRedisServer({ dataDir });
  return {
    url: server.url,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
}

export const randomPrefix = () => `test:${randomBytes(4).toString("hex")}:`;

export type TestRedis = { redis(): Redis; url(): string };

/** Starts a private redis-server before the file's tests and stops it after them. */
export function privateRedisForFile(): TestRedis {
  let server: Awaited<ReturnType<typeof startTestRedis>> | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
    redis = connect(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the test Redis is used before beforeAll ran");
    return value;
  };
  return { redis: () => started(redis), url: () => started(server).url };
}

/**
 * Clients under test on the file's Redis with a fake transport: each test
 * gets a fresh key prefix, and every client it made is closed after it.
 */
export function restClientsOn(testRedis: TestRedis, defaults: Partial<DiscordRestOptions>) {
  let prefix = randomPrefix();
  const clients: DiscordRest[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    prefix = randomPrefix();
  });
  return {
    prefix: () => prefix,
    client(transport: Transport, overrides: Partial<DiscordRestOptions> = {}): DiscordRest {
      const created = createDiscordRest({
        redis: testRedis.redis(),
        botToken: "bot-token",
        apiBase: "http://discord.test/api/v10",
        keyPrefix: prefix,
        transport,
        ...defaults,
        ...overrides,
      });
      clients.push(created);
      return created;
    },
  };
}

export const guildId = "1100000000000000001";
export const otherGuildId = "1100000000000000002";
export const userId = "1200000000000000002";
export const roleId = "1100000000000000101";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function limitHeaders(h: { limit: number; remaining: number; resetAfterMs: number; bucket: string }): Record<string, string> {
  return {
    "x-ratelimit-limit": String(h.limit),
    "x-ratelimit-remaining": String(h.remaining),
    "x-ratelimit-reset-after": String(h.resetAfterMs / 1_000),
    "x-ratelimit-bucket": h.bucket,
  };
}

type Sent = { method: string; path: string; at: number };
/** Lets a test answer a request itself; return undefined to let the fake answer normally. */
type Override = (sent: Sent, init: RequestInit) => Response | Promise<Response> | undefined;

/**
 * A Discord stand-in as a transport: fixed windows per bucket (route template +
 * guild) opened by the first request, like Discord and the emulator. Records
 * what was sent, how many were in flight at once, and every 429 it gave.
 */
export function fakeDiscord(options: { limit: number; windowMs: number; latencyMs?: number; globalPerSecond?: number; answerDelayMs?: (sent: Sent, index: number) => number }) {
  const windows = new Map<string, { used: number; resetAt: number }>();
  let globalWindow = { used: 0, resetAt: 0 };
  const sent: Sent[] = [];
  const overrides: Override[] = [];
  const state = { inFlight: 0, maxInFlight: 0, rateLimited: 0 };

  const transport: Transport = async (url, init) => {
    const path = new URL(url).pathname.replace(/^\/api\/v10/, "");
    const method = init.method ?? "GET";
    const entry = { method, path, at: Date.now() };
    sent.push(entry);
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const override = overrides.shift();
      const forced = override?.(entry, init);
      if (forced) return await forced;
      const now = Date.now();
      if (options.globalPerSecond !== undefined) {
        if (now >= globalWindow.resetAt) globalWindow = { used: 0, resetAt: now + 1_000 };
        if (globalWindow.used >= options.globalPerSecond) {
          state.rateLimited += 1;
          const retry = globalWindow.resetAt - now;
          return json(429, { message: "You are being rate limited.", retry_after: retry / 1_000, global: true }, { "x-ratelimit-global": "true", "x-ratelimit-scope": "global", "retry-after": String(Math.ceil(retry / 1_000)) });
        }
        globalWindow.used += 1;
      }
      const template = path.replace(/\/\d+/g, "/:id");
      const bucket = `hash-${(method === "DELETE" ? "PUT" : method)}${template}`.replace(/[^\w-]/g, "_");
      const major = /^\/guilds\/(\d+)/.exec(path)?.[1] ?? "-";
      const key = `${bucket}:${major}`;
      let window = windows.get(key);
      if (!window || now >= window.resetAt) {
        window = { used: 0, resetAt: now + options.windowMs };
        windows.set(key, window);
      }
      const base = { limit: options.limit, bucket, resetAfterMs: window.resetAt - now };
      if (window.used >= options.limit) {
        state.rateLimited += 1;
        return json(429, { message: "You are being rate limited.", retry_after: base.resetAfterMs / 1_000, global: false }, { ...limitHeaders({ ...base, remaining: 0 }), "x-ratelimit-scope": "user" });
      }
      window.used += 1;
      const headers = limitHeaders({ ...base, remaining: options.limit - window.used });
      const delay = options.answerDelayMs?.(entry, sent.length - 1) ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return method === "GET" ? json(200, { ok: true, path }, headers) : json(204, null, headers);
    } finally {
      state.inFlight -= 1;
    }
  };
  return { transport, sent, state, override: (fn: Override) => overrides.push(fn) };
}
