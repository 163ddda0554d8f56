import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { clearApiRateLimits, logIn, metricsToken, stackRedisUrl } from "./support";

/**
 * The security review's findings, replayed against the running stack as an
 * attacker would: a saved cookie after sign-out, forged forwarding headers,
 * huge and slow anonymous bodies, a foreign host, a planted cookie name,
 * the metrics, the session-expired redirect.
 */
const appUrl = `http://127.0.0.1:${process.env.E2E_APP_PORT ?? 3100}`;
const appPort = Number(new URL(appUrl).port);

test.describe.configure({ mode: "serial" });
test.afterEach(() => clearApiRateLimits());

/** Every route that changes something, with a body that would pass its input checks. */
const mutations: { method: string; path: string; body: Record<string, unknown> }[] = [
  { method: "POST", path: "/api/teams", body: { name: "Replay FC", tag: "RFC" } },
  { method: "POST", path: "/api/teams/requests", body: { teamId: "1100000000000000201" } },
  { method: "DELETE", path: "/api/teams/requests", body: { teamId: "1100000000000000201" } },
  { method: "POST", path: "/api/teams/requests/approve", body: { teamId: "1100000000000000201", userId: "1200000000000000003" } },
  { method: "POST", path: "/api/teams/requests/decline", body: { teamId: "1100000000000000201", userId: "1200000000000000003" } },
  { method: "DELETE", path: "/api/teams/members", body: { teamId: "1100000000000000201", userId: "1200000000000000005" } },
  { method: "PUT", path: "/api/teams/manager", body: { teamId: "1100000000000000201", userId: "1200000000000000005" } },
  { method: "POST", path: "/api/teams/disband", body: { teamId: "1100000000000000201" } },
  { method: "POST", path: "/api/profile", body: { gamerTag: "replayed", platform: "ps5", eaFcId: "replayed", country: "NG", position: "ST" } },
];

async function send(api: APIRequestContext, method: string, path: string, headers: Record<string, string>, body?: unknown) {
  return api.fetch(path, { method, headers: { "content-type": "application/json", ...headers }, data: body === undefined ? undefined : JSON.stringify(body), failOnStatusCode: false, maxRedirects: 0 });
}

test("a cookie saved before sign-out is refused everywhere afterwards, and the browser is told to forget it", async ({ page, playwright }) => {
  await logIn(page, "admin");
  await expect(page.locator("[data-view]").first()).toBeVisible();
  const cookie = (await page.context().cookies()).find((entry) => entry.name === "next-auth.session-token");
  if (!cookie) throw new Error("the login set no session cookie");
  const saved = `next-auth.session-token=${cookie.value}`;
  const api = await playwright.request.newContext({ baseURL: appUrl });
  expect((await send(api, "GET", "/api/roles", { cookie: saved })).status()).toBe(200);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();

  for (const mutation of mutations) {
    const response = await send(api, mutation.method, mutation.path, { cookie: saved, origin: appUrl }, mutation.body);
    const where = `${mutation.method} ${mutation.path}`;
    expect(response.status(), where).toBe(401);
    expect(await response.json(), where).toMatchObject({ error: "session_expired" });
    expect(response.headers()["set-cookie"] ?? "", where).toMatch(/next-auth\.session-token=;.*Max-Age=0/);
  }
  for (const path of ["/api/roles", "/api/teams/mine", "/api/profile"]) expect((await send(api, "GET", path, { cookie: saved })).status(), path).toBe(401);

  // next-auth's own session endpoint neither answers a session nor re-issues the cookie.
  const session = await send(api, "GET", "/api/auth/session", { cookie: saved });
  expect(await session.json()).toEqual({});
  const setCookies = session.headersArray().filter((header) => header.name.toLowerCase() === "set-cookie").map((header) => header.value);
  expect(setCookies.some((value) => /^next-auth\.session-token=[^;]+/.test(value) && !/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(value))).toBe(false);

  // The page sends the browser through the expired route, which forgets the cookie and says why.
  const home = await send(api, "GET", "/", { cookie: saved, accept: "text/html" });
  expect(home.status()).toBeGreaterThanOrEqual(300);
  expect(home.headers()["location"]).toContain("/api/session/expired");
  await api.dispose();
});

test("a rotating X-Forwarded-For neither lifts the per-address limit nor grows Redis", async ({ request }) => {
  clearApiRateLimits();
  const memoryBefore = usedMemory();
  let limitedAt = 0;
  for (let attempt = 1; attempt <= 300 && limitedAt === 0; attempt += 1) {
    const forged = `${attempt}.${"9".repeat(14_000)}`;
    const response = await request.get("/api/roles", { headers: { "x-forwarded-for": forged }, failOnStatusCode: false });
    if (response.status() === 429) limitedAt = attempt;
    else expect(response.status()).toBe(401);
  }
  expect(limitedAt).toBeGreaterThan(0);
  expect(limitedAt).toBeLessThanOrEqual(121);
  const keys = redisCli("--scan", "--pattern", "api_ratelimit_anonymous_*").split("\n").filter(Boolean);
  expect(keys).toHaveLength(1);
  expect(keys[0]?.length ?? 0).toBeLessThan(100);
  expect(usedMemory() - memoryBefore).toBeLessThan(2 * 1024 * 1024);
});

test("huge and endless anonymous bodies are refused unread, on our API and next-auth's routes alike", async () => {
  test.setTimeout(120_000);
  const rssBefore = appRssBytes();
  const declared = 200 * 1024 * 1024;
  const paths = ["/api/auth/signin/discord", "/api/auth/signout", "/api/teams", "/api/profile", "/"];
  const answers = await Promise.all(paths.flatMap((path) => [0, 1].map(() => pushBody(path, { "Content-Length": String(declared) }, declared))));
  for (const answer of answers) {
    expect(answer.status).toBe(413);
    // Refused on the header: far less than the declared body went in before the door closed.
    expect(answer.sentBytes).toBeLessThan(declared / 4);
  }
  const chunked = await pushBody("/api/auth/signin/discord", { "Transfer-Encoding": "chunked" }, 50 * 1024 * 1024);
  expect(chunked.status).toBe(411);
  expect(appRssBytes() - rssBefore).toBeLessThan(100 * 1024 * 1024);
  expect((await fetch(`${appUrl}/api/health`)).status).toBe(200);
});

test("a body that never finishes arriving is cut off, and the app keeps answering meanwhile", async () => {
  test.setTimeout(90_000);
  const started = Date.now();
  const slow = slowBody("/api/auth/signin/discord");
  expect((await fetch(`${appUrl}/api/health`)).status).toBe(200);
  const answer = await slow;
  expect(answer.status).toBe(408);
  expect(Date.now() - started).toBeLessThan(60_000);
});

test("an address longer than the server reads is refused with 431 and a sentence, and the app keeps answering", async () => {
  // Node reads at most 16 KiB of request line and headers; past that it has no request to hand the app.
  const answer = await fetch(`${appUrl}/api/teams?q=${"%F0%9F%98%80".repeat(2_000)}`);
  expect(answer.status).toBe(431);
  expect(answer.headers.get("x-safa-instance")).toBeTruthy();
  expect(await answer.json()).toEqual({ error: "headers_too_large", message: "The request's address and headers are too long (at most 16384 bytes together). Use a shorter address." });
  expect((await fetch(`${appUrl}/api/health`)).status).toBe(200);
});

test("the session-expired redirect goes to the public URL, whatever port the request named", async () => {
  // Another host name never reaches the route: the front door sends it to the public URL first (no-js.spec.ts).
  const location = await new Promise<string>((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port: appPort, path: "/api/session/expired", headers: { host: "127.0.0.1:9" } }, (response) => {
      resolve(response.headers.location ?? "");
      response.resume();
    });
    request.on("error", reject);
    request.end();
  });
  expect(location).toBe(`${appUrl}/?error=session_expired`);
});

test("metrics need the scrape token", async ({ request }) => {
  expect((await request.get("/api/metrics", { failOnStatusCode: false })).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { authorization: "Bearer wrong-token-of-the-same-length-000" }, failOnStatusCode: false })).status()).toBe(401);
  const scraped = await request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } });
  expect(scraped.status()).toBe(200);
  expect(await scraped.text()).toContain("safa_");
});

test("a forwarded host or another scheme does not make a foreign origin our own", async ({ page }) => {
  await logIn(page, "freeagent");
  const cookie = (await page.context().cookies()).find((entry) => entry.name === "next-auth.session-token");
  const headers = { cookie: `next-auth.session-token=${cookie?.value ?? ""}`, "content-type": "application/json" };
  const attempts: Record<string, string>[] = [
    { origin: "http://evil.example", "x-forwarded-host": "evil.example" },
    { origin: "http://evil.example", host: "evil.example" },
    { origin: appUrl.replace("http:", "https:") },
  ];
  for (const extra of attempts) {
    const response = await page.request.post("/api/teams", { headers: { ...headers, ...extra }, data: JSON.stringify({ name: "Forged FC", tag: "FFC" }), failOnStatusCode: false });
    // Another Host is turned away by the front door before the origin check.
    const refused = extra.host ? { status: 421, error: "misdirected_request" } : { status: 403, error: "cross_origin" };
    expect(response.status(), JSON.stringify(extra)).toBe(refused.status);
    expect(await response.json()).toMatchObject({ error: refused.error });
  }
});

test("only the cookie name this deployment sets is read: a valid session under the other name signs no one in", async ({ page, playwright }) => {
  await logIn(page, "player");
  const cookie = (await page.context().cookies()).find((entry) => entry.name === "next-auth.session-token");
  const api = await playwright.request.newContext({ baseURL: appUrl });
  expect((await send(api, "GET", "/api/roles", { cookie: `next-auth.session-token=${cookie?.value ?? ""}` })).status()).toBe(200);
  const planted = await send(api, "GET", "/api/roles", { cookie: `__Secure-next-auth.session-token=${cookie?.value ?? ""}` });
  expect(planted.status()).toBe(401);
  expect(await planted.json()).toMatchObject({ error: "unauthenticated" });
  await api.dispose();
});

test("TRACE is answered by the front door, not with a 500", async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port: appPort, path: "/api/health", method: "TRACE" }, (response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    request.on("error", reject);
    request.end();
  });
  expect(status).toBe(405);
});

// --- helpers ---------------------------------------------------------------

function redisCli(...args: string[]): string {
  return execFileSync("redis-cli", ["-u", stackRedisUrl(), ...args], { encoding: "utf8" });
}

function usedMemory(): number {
  return Number(/used_memory:(\d+)/.exec(redisCli("INFO", "memory"))?.[1] ?? 0);
}

/** Resident memory of the app's processes (server/main.ts and what it runs), from /proc. */
function appRssBytes(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!command.some((arg) => arg.endsWith("server/main.ts")) || !command.includes(String(appPort))) continue;
      total += Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  expect(total).toBeGreaterThan(0);
  return total;
}

/**
 * Sends the headers, waits for the server's answer (it must come before any
 * body), then pushes the body as fast as the socket takes it until the
 * server closes: returns the status and how much of the body went out.
 */
function pushBody(path: string, headers: Record<string, string>, bodyBytes: number): Promise<{ status: number; sentBytes: number }> {
  return new Promise((resolve) => {
    const socket = connect(appPort, "127.0.0.1");
    let sentBytes = 0;
    let reply = "";
    let finished = false;
    const chunk = Buffer.alloc(256 * 1024, 97);
    const status = () => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);
    const done = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve({ status: status(), sentBytes });
    };
    socket.on("data", (data) => (reply += data.toString("latin1")));
    socket.on("error", done);
    socket.on("close", done);
    const pump = () => {
      while (!finished && sentBytes < bodyBytes) {
        sentBytes += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
      done();
    };
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${appPort}\r\nContent-Type: application/x-www-form-urlencoded\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")}\r\n`);
    setTimeout(pump, 1_000);
  });
}

/** Declares a small body, sends a few bytes of it, then nothing: returns the status the server gives up with. */
function slowBody(path: string): Promise<{ status: number }> {
  return new Promise((resolve) => {
    const socket = connect(appPort, "127.0.0.1");
    let reply = "";
    socket.on("data", (data) => (reply += data.toString("latin1")));
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0) }));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${appPort}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrf`);
    setTimeout(() => socket.destroy(), 80_000).unref();
  });
}
