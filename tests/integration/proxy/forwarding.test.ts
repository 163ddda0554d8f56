import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import { proxyGeneratedHeader } from "@/lib/discord/proxy/proxy-answers";
import type { ProxyHandle } from "@/lib/discord/proxy/start-proxy";
import { botToken, captureServer, proxyFor, rawRequest } from "../../helpers/proxy-kit";

const guildId = "1100000000000000001";
const memberId = "1200000000000000003";
const roleId = "1100000000000000102";
const retiredToken = "retired-bot-token-that-discord-no-longer-knows";

let emulator: EmulatorHandle;
let redis: Redis;
let keyPrefix: string;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  // One role change per 2 s: the second request on the bucket has to wait.
  emulator = await startEmulator({ port: 0, routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 1, windowSeconds: 2 } } });
  redis = new Redis(inject("redisUrl"));
});
afterAll(async () => {
  redis?.disconnect();
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
  keyPrefix = `it:${randomBytes(4).toString("hex")}:`;
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((handle) => handle.close()));
});

const stats = async () => (await (await fetch(`${emulator.url}/__emulator/stats`)).json()) as { requests: number; rateLimited: number; invalid: number };
const bot = { Authorization: `Bot ${botToken}` };

async function proxy(config: Parameters<typeof proxyFor>[0]["config"] = {}, apiBase = `${emulator.url}/api/v10`): Promise<ProxyHandle> {
  const handle = await proxyFor({ apiBase, redis, keyPrefix, config });
  opened.push(handle);
  return handle;
}

async function metricValue(proxyUrl: string, line: string): Promise<number> {
  const text = await (await fetch(`${proxyUrl}/metrics`)).text();
  const found = text.split("\n").find((entry) => entry.startsWith(line));
  return found === undefined ? 0 : Number(found.slice(line.length).trim());
}

describe("proxy limits", () => {
  it("answers 429 itself past the deadline, marked as its own, in Discord's shape; Discord sees no 429", async () => {
    const { url } = await proxy({ deadlineMs: 300 });
    const path = `${url}/api/v10${Routes.guildMemberRole(guildId, memberId, roleId)}`;
    expect((await fetch(path, { method: "PUT", headers: bot })).status).toBe(204);
    const limited = await fetch(path, { method: "PUT", headers: bot });
    expect(limited.status).toBe(429);
    expect(limited.headers.get(proxyGeneratedHeader)).toMatch(/^rate-limit-/);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited.headers.get("via")).toBeTruthy();
    const body = (await limited.json()) as { retry_after: number; global: boolean };
    expect(body.global).toBe(false);
    expect(body.retry_after).toBeGreaterThan(1);
    expect(body.retry_after).toBeLessThanOrEqual(2.1);
    expect(await stats()).toMatchObject({ requests: 1, rateLimited: 0 });
    expect(await metricValue(url, 'safa_proxy_generated_total{reason="rate-limit-bucket"}')).toBeGreaterThanOrEqual(1);
  });

  it("sends the next request on a bucket only after its announced reset, with a small measured margin", async () => {
    // A bucket of one request per 300 ms: each answer announces its reset 300 ms after it leaves.
    const answeredAt: number[] = [];
    const arrivedAt: number[] = [];
    const capture = await captureServer(() => {
      arrivedAt.push(performance.now());
      answeredAt.push(performance.now());
      return { status: 200, headers: { "x-ratelimit-bucket": "one-per-window", "x-ratelimit-limit": "1", "x-ratelimit-remaining": "0", "x-ratelimit-reset-after": "0.300" }, body: "{}" };
    });
    opened.push(capture);
    const { url } = await proxy({}, capture.apiBase);
    const replies = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/api/v10/channels/1/messages`, { headers: bot })));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
    const marginsMs = arrivedAt.slice(1).map((at, i) => at - ((answeredAt[i] ?? 0) + 300));
    // Never before the reset Discord announced; the margin is the answer's trip back and Redis' bookkeeping.
    for (const margin of marginsMs) expect(margin).toBeGreaterThanOrEqual(0);
    expect(Math.max(...marginsMs)).toBeLessThan(150);
  });

  it("a client that hangs up stops waiting: its request never reaches Discord, and the next one is not held behind it", async () => {
    const { url } = await proxy({ deadlineMs: 10_000 });
    const path = `${url}/api/v10${Routes.guildMemberRole(guildId, memberId, roleId)}`;
    expect((await fetch(path, { method: "PUT", headers: bot })).status).toBe(204);
    await expect(fetch(path, { method: "PUT", headers: bot, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    const next = await fetch(path, { method: "PUT", headers: bot });
    expect(next.status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await stats()).toMatchObject({ requests: 2, rateLimited: 0 });
    expect(await metricValue(url, 'safa_proxy_generated_total{reason="client-gone"}')).toBeGreaterThanOrEqual(1);
  });
});

describe("proxy global limit", () => {
  it("lets interaction callbacks and token-addressed webhooks past a saturated global limit; bot calls wait for the next second", async () => {
    const capture = await captureServer();
    opened.push(capture);
    const { url } = await proxy({ globalPerSecond: 2 }, capture.apiBase);
    const token = "t".repeat(70);
    const send = async (method: string, path: string) => {
      const started = Date.now();
      const reply = await fetch(`${url}/api/v10${path}`, { method, headers: bot });
      return { status: reply.status, tookMs: Date.now() - started };
    };
    await send("GET", "/guilds/1/roles");
    await send("GET", "/guilds/2/roles");
    const [callback, webhook, botCall] = await Promise.all([
      send("POST", `/interactions/1300000000000000001/${token}/callback`),
      send("POST", `/webhooks/1300000000000000002/${token}`),
      send("GET", "/guilds/3/roles"),
    ]);
    expect(callback).toMatchObject({ status: 200 });
    expect(webhook).toMatchObject({ status: 200 });
    expect(callback.tookMs).toBeLessThan(400);
    expect(webhook.tookMs).toBeLessThan(400);
    expect(botCall.status).toBe(200);
    expect(botCall.tookMs).toBeGreaterThanOrEqual(500);
  });
});

describe("proxy tokens", () => {
  it("a 401 locks only the token it came with: no second request with it reaches Discord, the bot token keeps working", async () => {
    const { url } = await proxy({ botTokens: [botToken, retiredToken] });
    const path = `${url}/api/v10${Routes.guildRoles(guildId)}`;
    const refused = await fetch(path, { headers: { Authorization: `Bot ${retiredToken}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get(proxyGeneratedHeader)).toBeNull();
    const again = await fetch(path, { headers: { Authorization: `Bot ${retiredToken}` } });
    expect(again.status).toBe(401);
    expect(again.headers.get(proxyGeneratedHeader)).toBe("token-locked");
    expect(await stats()).toMatchObject({ requests: 1, invalid: 1 });
    expect((await fetch(path, { headers: bot })).status).toBe(200);
    expect((await stats()).requests).toBe(2);
  });

  it("with bearer tokens allowed, a refused one is locked too while another user's still goes through", async () => {
    const { url } = await proxy({ allowBearer: true });
    const me = (token: string) => fetch(`${url}/api/v10/users/@me`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await me("expired-user-token")).headers.get(proxyGeneratedHeader)).toBeNull();
    const locked = await me("expired-user-token");
    expect(locked.status).toBe(401);
    expect(locked.headers.get(proxyGeneratedHeader)).toBe("token-locked");
    const other = await me("another-users-token");
    expect(other.status).toBe(401);
    expect(other.headers.get(proxyGeneratedHeader)).toBeNull();
    expect(await stats()).toMatchObject({ requests: 2 });
  });

  it("refuses an unknown token, a missing Authorization and bearer tokens (unless allowed) without reaching Discord", async () => {
    const { url } = await proxy();
    const path = `${url}/api/v10${Routes.guildRoles(guildId)}`;
    const unknown = await fetch(path, { headers: { Authorization: "Bot someone-elses-token" } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get(proxyGeneratedHeader)).toBe("unknown-token");
    expect(await unknown.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    const missing = await fetch(path);
    expect(missing.status).toBe(401);
    expect(missing.headers.get(proxyGeneratedHeader)).toBe("missing-authorization");
    const bearer = await fetch(path, { headers: { Authorization: "Bearer a-users-token" } });
    expect(bearer.headers.get(proxyGeneratedHeader)).toBe("unknown-token");
    expect(await stats()).toMatchObject({ requests: 0, invalid: 0 });
    expect(await metricValue(url, "safa_proxy_invalid_requests_in_window")).toBe(0);
  });
});

describe("proxy pass-through", () => {
  it("passes a multipart upload through byte for byte and Discord's answer back as it came", async () => {
    const capture = await captureServer(() => ({ status: 200, headers: { "x-ratelimit-bucket": "abc", "x-ratelimit-limit": "5", "x-ratelimit-remaining": "4", "x-ratelimit-reset-after": "1" }, body: '{"id":"42","weird":"é\\u0000"}' }));
    opened.push(capture);
    const { url } = await proxy({}, capture.apiBase);
    const boundary = "----safa-test-boundary";
    const file = randomBytes(200_000);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="payload_json"\r\nContent-Type: application/json\r\n\r\n{"content":"héllo"}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files[0]"; filename="clip.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const reply = await rawRequest(`${url}/api/v10/channels/1300000000000000009/messages`, {
      method: "POST",
      headers: { ...bot, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(body.length) },
      body,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('{"id":"42","weird":"é\\u0000"}');
    expect(reply.headers["x-ratelimit-bucket"]).toBe("abc");
    expect(reply.headers[proxyGeneratedHeader]).toBeUndefined();
    const [seen] = capture.seen;
    expect(seen?.body.equals(body)).toBe(true);
    expect(seen?.headers["content-type"]).toBe(`multipart/form-data; boundary=${boundary}`);
  });

  it("keeps the query string, the version asked for and X-Audit-Log-Reason; drops hop-by-hop headers", async () => {
    const capture = await captureServer();
    opened.push(capture);
    const { url } = await proxy({}, capture.apiBase);
    const reason = encodeURIComponent("Promoted to manager: wins the cup");
    const reply = await rawRequest(`${url}/api/v9/guilds/${guildId}/members?limit=5&after=0`, {
      headers: {
        ...bot,
        "X-Audit-Log-Reason": reason,
        "User-Agent": "DiscordBot (https://example.test, 1.0)",
        Connection: "keep-alive, x-hop-secret",
        "X-Hop-Secret": "must not leave",
        "Proxy-Authorization": "Basic c2VjcmV0",
        "Keep-Alive": "timeout=5",
        TE: "trailers",
        Upgrade: "websocket",
      },
    });
    expect(reply.status).toBe(200);
    const [seen] = capture.seen;
    expect(seen?.url).toBe(`/api/v9/guilds/${guildId}/members?limit=5&after=0`);
    expect(seen?.headers["x-audit-log-reason"]).toBe(reason);
    expect(seen?.headers["user-agent"]).toBe("DiscordBot (https://example.test, 1.0)");
    expect(seen?.headers.authorization).toBe(`Bot ${botToken}`);
    for (const name of ["x-hop-secret", "proxy-authorization", "keep-alive", "te", "upgrade"]) expect(seen?.headers[name]).toBeUndefined();
  });
});

describe("proxy bad input", () => {
  it("answers malformed paths, wrong methods and oversized bodies clearly, sends none of them, and keeps serving", async () => {
    const capture = await captureServer();
    opened.push(capture);
    const { url } = await proxy({ maxBodyBytes: 1_024 }, capture.apiBase);
    const cases: [string, Parameters<typeof rawRequest>[1], number, string][] = [
      ["/api/v10/guilds/%2e%2e/roles", { headers: bot }, 400, "malformed-path"],
      ["/api/v10/guilds//roles", { headers: bot }, 400, "malformed-path"],
      ["/api/v10/guilds/1/../../admin", { headers: bot }, 400, "malformed-path"],
      ["/api/v8/guilds/1/roles", { headers: bot }, 404, "not-an-api-path"],
      ["/admin", { headers: bot }, 404, "not-an-api-path"],
      ["/api/v10/guilds/1/roles", { method: "OPTIONS", headers: bot }, 405, "method-not-allowed"],
      ["/api/v10/channels/1/messages", { method: "POST", headers: { ...bot, "Content-Length": "5000" }, body: Buffer.alloc(5_000) }, 413, "too-large"],
      ["/api/v10/channels/1/messages", { method: "POST", headers: bot, body: Buffer.alloc(4_096), chunked: true }, 413, "too-large"],
    ];
    for (const [path, input, status, reason] of cases) {
      const reply = await rawRequest(`${url}${path}`, input);
      expect({ path, status: reply.status, reason: reply.headers[proxyGeneratedHeader] }).toEqual({ path, status, reason });
      expect(JSON.parse(reply.body.toString())).toHaveProperty("message");
    }
    expect(capture.seen).toHaveLength(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await rawRequest(`${url}/api/v10/channels/1/messages`, { method: "POST", headers: bot, body: "{}" })).status).toBe(200);
  });
});
