import { describe, expect, it } from "vitest";
import { describeRolesProblem, fallbackRetryAfterSeconds, readRolesResponse } from "@/components/dashboard/roles-client";
import { HttpError, parseRetryAfterSeconds } from "@/components/http-error";
import { shouldRetryQuery } from "@/components/query-client";
import type { RolesAnswer } from "@/lib/roles/answer";

const now = Date.parse("2026-11-22T12:00:00.000Z");

const answer: RolesAnswer = {
  view: "free-agent",
  isAdmin: true,
  member: true,
  roles: ["1100000000000000101", "1100000000000000102"],
  nick: "Kinga",
  fetchedAt: "2026-11-22T11:59:50.000Z",
  how: "discord",
  stale: false,
  nextRefreshAt: "2026-11-22T12:00:02.000Z",
  discordBusy: false,
};

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

async function errorOf(response: Response): Promise<HttpError> {
  const error = await readRolesResponse(response, now).catch((caught: unknown) => caught);
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe("readRolesResponse", () => {
  it("returns a valid answer and drops unknown keys", async () => {
    await expect(readRolesResponse(json({ ...answer, extra: 1 }), now)).resolves.toEqual(answer);
  });

  it("rejects a 200 in the wrong shape", async () => {
    for (const body of [{ ...answer, view: "admin" }, { ...answer, fetchedAt: "yesterday" }, { ...answer, roles: "1" }, null]) {
      expect((await errorOf(json(body))).status).toBe(200);
    }
    expect((await errorOf(new Response("<html>", { status: 200 }))).status).toBe(200);
  });

  it("reads a 401 with its code", async () => {
    const expired = await errorOf(json({ error: "session_expired", message: "Please log in again." }, 401));
    expect([expired.status, expired.code, expired.message]).toEqual([401, "session_expired", "Please log in again."]);
    expect((await errorOf(json({ error: "unauthenticated", message: "Log in." }, 401))).code).toBe("unauthenticated");
    expect((await errorOf(new Response("nope", { status: 401 }))).code).toBe("unauthenticated");
  });

  it("reads a 503 discord_busy with the server's wait", async () => {
    const busy = await errorOf(json({ error: "discord_busy", message: "Discord is busy.", retryAfterSeconds: 7 }, 503, { "Retry-After": "7" }));
    expect([busy.status, busy.code, busy.retryAfterSeconds]).toEqual([503, "discord_busy", 7]);
  });

  it("falls back to the header, then a default, for a 503 without our body", async () => {
    expect((await errorOf(new Response("busy", { status: 503, headers: { "Retry-After": "12" } }))).retryAfterSeconds).toBe(12);
    expect((await errorOf(new Response("busy", { status: 503 }))).retryAfterSeconds).toBe(fallbackRetryAfterSeconds);
  });

  it("reads our own 429 from its Retry-After", async () => {
    const limited = await errorOf(json({ error: "rate_limited", message: "Slow down." }, 429, { "Retry-After": "20" }));
    expect([limited.status, limited.retryAfterSeconds]).toEqual([429, 20]);
    expect((await errorOf(new Response(null, { status: 429 }))).retryAfterSeconds).toBe(fallbackRetryAfterSeconds);
  });

  it("reports other statuses without a wait", async () => {
    const failed = await errorOf(json({ error: "internal", message: "Something went wrong." }, 500));
    expect([failed.status, failed.retryAfterSeconds]).toEqual([500, null]);
  });
});

describe("describeRolesProblem", () => {
  it("is null without an error", () => {
    expect(describeRolesProblem(null, 0)).toBeNull();
  });

  it("sends an expired session to the login page with the reason", () => {
    expect(describeRolesProblem(new HttpError("x", 401, { code: "session_expired" }), now)).toEqual({ kind: "signed-out", redirectTo: "/api/session/expired" });
    expect(describeRolesProblem(new HttpError("x", 401, { code: "unauthenticated" }), now)).toEqual({ kind: "signed-out", redirectTo: "/" });
  });

  it("waits as long as the server asked, at least a second", () => {
    expect(describeRolesProblem(new HttpError("x", 503, { retryAfterSeconds: 7 }), now)).toEqual({ kind: "busy", retryAtMs: now + 7_000 });
    expect(describeRolesProblem(new HttpError("x", 429, { retryAfterSeconds: 0 }), now)).toEqual({ kind: "busy", retryAtMs: now + 1_000 });
  });

  it("calls anything else a failure", () => {
    expect(describeRolesProblem(new HttpError("x", 500), now)).toEqual({ kind: "failed" });
    expect(describeRolesProblem(new TypeError("Failed to fetch"), now)).toEqual({ kind: "failed" });
  });
});

describe("parseRetryAfterSeconds", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfterSeconds("30", now)).toBe(30);
    expect(parseRetryAfterSeconds(" 0 ", now)).toBe(0);
    expect(parseRetryAfterSeconds(new Date(now + 45_000).toUTCString(), now)).toBe(45);
    expect(parseRetryAfterSeconds(new Date(now - 45_000).toUTCString(), now)).toBe(0);
  });

  it("is null when absent or unreadable", () => {
    expect(parseRetryAfterSeconds(null, now)).toBeNull();
    expect(parseRetryAfterSeconds("soon", now)).toBeNull();
    expect(parseRetryAfterSeconds("-5", now)).toBeNull();
  });
});

describe("shouldRetryQuery", () => {
  it("never retries a 401", () => {
    expect(shouldRetryQuery(0, new HttpError("x", 401))).toBe(false);
  });

  it("leaves a server-named wait to the caller", () => {
    expect(shouldRetryQuery(0, new HttpError("x", 429, { retryAfterSeconds: 5 }))).toBe(false);
    expect(shouldRetryQuery(0, new HttpError("x", 503, { retryAfterSeconds: 5 }))).toBe(false);
  });

  it("retries other failures three times", () => {
    const failures = [0, 1, 2, 3].map((count) => shouldRetryQuery(count, new TypeError("Failed to fetch")));
    expect(failures).toEqual([true, true, true, false]);
    expect(shouldRetryQuery(0, new HttpError("x", 500))).toBe(true);
  });
});
