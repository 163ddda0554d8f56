import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type * as RosterLocksRoute from "@/app/api/admin/roster-locks/route";
import type * as SeasonRoute from "@/app/api/admin/season/route";
import type * as TransferWindowRoute from "@/app/api/admin/transfer-window/route";
import type * as MembersRoute from "@/app/api/teams/members/route";
import type * as ApproveRoute from "@/app/api/teams/requests/approve/route";
import type * as TransfersRoute from "@/app/api/transfers/route";
import { transferStatusSchema } from "@/lib/tournament/answer";
import { emulator, freshRedis, type TestEmulator } from "../../helpers/harness";
import { answer, appOrigin, appRedisReady, closeApp, configureApp } from "../../helpers/route-client";
import { ids, users } from "../../helpers/teams-world";
import { session } from "@/tests/helpers/session-double";

/**
 * The transfer routes as Next.js runs them (guard, body parsing, error
 * mapping), with only the session cookie replaced: configuration, Redis,
 * the REST client and the emulator are real. Bad input is a 400 naming the
 * field, and leaves every record as it was.
 */
vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));

let emu: TestEmulator;
let redis: Redis;
let windowRoute: typeof TransferWindowRoute;
let locksRoute: typeof RosterLocksRoute;
let seasonRoute: typeof SeasonRoute;
let transfersRoute: typeof TransfersRoute;
let approveRoute: typeof ApproveRoute;
let membersRoute: typeof MembersRoute;

function signIn(user: { id: string; name: string }) {
  session.user = { ...user, sessionId: `session-${user.id}`, verified: true };
}

function call(method: string, body: unknown): Request {
  const headers = { "content-type": "application/json", host: "dashboard.test", origin: appOrigin };
  return new Request(`${appOrigin}/api/admin`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

/** Each admin call reads the admin's roles through the bot, admitted at the real pace: a test making many forgets the spent budget. */
async function forgetAdmission(): Promise<void> {
  const spent = await redis.keys("safa:admission:*");
  if (spent.length > 0) await redis.del(...spent);
}

/** The product's records, without the per-user bookkeeping (rate limits, admission, refusal counts, names, live notices). */
async function records(): Promise<Record<string, unknown>> {
  const keys = (await redis.keys("safa:*")).filter((key) => !/:(ratelimit|admission|refusals|lock|events):|user-names$/.test(key)).sort();
  const dump: Record<string, unknown> = {};
  for (const key of keys) {
    const type = await redis.type(key);
    dump[key] = type === "hash" ? await redis.hgetall(key) : type === "stream" ? await redis.xlen(key) : type;
  }
  return dump;
}

beforeAll(async () => {
  emu = await emulator({ routeLimits: { "GET /guilds/:guild_id/members/:user_id": { count: 1_000, windowSeconds: 1 } } });
  configureApp(emu, { SAFA_DEMO_MODE: "1" });
  windowRoute = await import("@/app/api/admin/transfer-window/route");
  locksRoute = await import("@/app/api/admin/roster-locks/route");
  seasonRoute = await import("@/app/api/admin/season/route");
  transfersRoute = await import("@/app/api/transfers/route");
  approveRoute = await import("@/app/api/teams/requests/approve/route");
  membersRoute = await import("@/app/api/teams/members/route");
  await appRedisReady();
});

beforeEach(async () => {
  redis?.disconnect();
  redis = await freshRedis();
  emu.reset();
  signIn(users.admin);
});

afterAll(async () => {
  await closeApp(emu);
  redis.disconnect();
});

const hour = 3_600_000;

describe("bad input on every new route", () => {
  const cases: [string, (body: unknown) => Promise<Response>, unknown, string][] = [
    ["window: no change", (body) => windowRoute.POST(call("POST", body)), {}, "change"],
    ["window: an unknown change", (body) => windowRoute.POST(call("POST", body)), { change: "toggle" }, "change"],
    ["window: a time as text", (body) => windowRoute.POST(call("POST", body)), { change: "open", at: "tomorrow" }, "at"],
    ["window: a fractional time", (body) => windowRoute.POST(call("POST", body)), { change: "open", at: 1.5 }, "at"],
    ["window: a time that has passed", (body) => windowRoute.POST(call("POST", body)), { change: "open", at: Date.now() - hour }, "at"],
    ["window: a time years ahead", (body) => windowRoute.POST(call("POST", body)), { change: "close", at: Date.now() + 5 * 366 * 24 * hour }, "at"],
    ["window: a stray key", (body) => windowRoute.POST(call("POST", body)), { change: "open", isAdmin: true }, "body"],
    ["window cancel: no change", (body) => windowRoute.DELETE(call("DELETE", body)), { change: null }, "change"],
    ["lock: no reason", (body) => locksRoute.POST(call("POST", body)), {}, "reason"],
    ["lock: a blank reason", (body) => locksRoute.POST(call("POST", body)), { reason: "   " }, "reason"],
    ["lock: a reason with a bidi override", (body) => locksRoute.POST(call("POST", body)), { reason: "\u202ematch" }, "reason"],
    ["lock: a 10 000-character reason", (body) => locksRoute.POST(call("POST", body)), { reason: "x".repeat(10_000) }, "reason"],
    ["lock: a team id that is no id", (body) => locksRoute.POST(call("POST", body)), { teamId: "../../x", reason: "match day" }, "teamId"],
    ["lock: an unknown team", (body) => locksRoute.POST(call("POST", body)), { teamId: "1300000000000000999", reason: "match day" }, "teamId"],
    ["lock: an end that has passed", (body) => locksRoute.POST(call("POST", body)), { until: Date.now() - 1, reason: "match day" }, "until"],
    ["unlock: a team id that is no id", (body) => locksRoute.DELETE(call("DELETE", body)), { teamId: 12 }, "teamId"],
    ["season: no start", (body) => seasonRoute.PUT(call("PUT", body)), { changeLimit: 3 }, "startsAt"],
    ["season: no limit given", (body) => seasonRoute.PUT(call("PUT", body)), { startsAt: Date.now() }, "changeLimit"],
    ["season: a limit of zero", (body) => seasonRoute.PUT(call("PUT", body)), { startsAt: Date.now(), changeLimit: 0 }, "changeLimit"],
    ["season: a limit as text", (body) => seasonRoute.PUT(call("PUT", body)), { startsAt: Date.now(), changeLimit: "5" }, "changeLimit"],
    ["season: a start years away", (body) => seasonRoute.PUT(call("PUT", body)), { startsAt: Date.now() - 5 * 366 * 24 * hour, changeLimit: 5 }, "startsAt"],
    ["approve: an empty override reason", (body) => approveRoute.POST(call("POST", body)), { teamId: ids.lagosLions, userId: users.freeagent2.id, override: { reason: "" } }, "override"],
    ["approve: an override that is text", (body) => approveRoute.POST(call("POST", body)), { teamId: ids.lagosLions, userId: users.freeagent2.id, override: "because" }, "override"],
    ["remove: an override without a reason", (body) => membersRoute.DELETE(call("DELETE", body)), { teamId: ids.lagosLions, userId: users.player.id, override: {} }, "override"],
  ];

  for (const [what, send, body, field] of cases) {
    it(`${what}: a 4xx naming ${field}, nothing stored`, async () => {
      const before = await records();
      const response = await answer(await send(body));
      expect(response.status, JSON.stringify(response.body)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body).toMatchObject({ field, message: expect.any(String) });
      const after = await records();
      expect(Object.keys(after).filter((key) => !(key in before)), JSON.stringify(after)).toEqual([]);
      expect(after).toEqual(before);
    });
  }

  it("refuses broken JSON with a 400", async () => {
    expect(await answer(await windowRoute.POST(call("POST", "{not json")))).toMatchObject({ status: 400, body: { error: "invalid_json" } });
  });
});

describe("the admin routes", () => {
  it("answer 404 to anyone but a tournament admin, storing nothing", async () => {
    signIn(users.manager);
    const before = await records();
    expect(await answer(await windowRoute.POST(call("POST", { change: "close" })))).toMatchObject({ status: 404 });
    expect(await answer(await locksRoute.POST(call("POST", { reason: "match day" })))).toMatchObject({ status: 404 });
    expect(await answer(await seasonRoute.PUT(call("PUT", { startsAt: Date.now(), changeLimit: 3 })))).toMatchObject({ status: 404 });
    expect(await records()).toEqual(before);
  });

  it("close, schedule, lock and set the season, and the transfers read shows it", async () => {
    expect(await answer(await windowRoute.POST(call("POST", { change: "close" })))).toMatchObject({ status: 200, body: { ok: true, applied: true } });
    const opensAt = Date.now() + hour;
    expect(await answer(await windowRoute.POST(call("POST", { change: "open", at: opensAt })))).toMatchObject({ status: 200, body: { applied: true } });
    await forgetAdmission();
    expect(await answer(await locksRoute.POST(call("POST", { reason: "match day" })))).toMatchObject({ status: 200, body: { applied: true } });
    const startsAt = Date.now() - hour;
    expect(await answer(await seasonRoute.PUT(call("PUT", { startsAt, changeLimit: 5 })))).toMatchObject({ status: 200, body: { applied: true } });

    signIn(users.freeagent);
    const read = await answer(await transfersRoute.GET(call("GET", undefined)));
    expect(read.status).toBe(200);
    const status = transferStatusSchema.parse(read.body);
    expect(status).toMatchObject({ window: { open: false, opensAt }, locks: [{ teamId: null, reason: "match day", until: null }], season: { startsAt, changeLimit: 5, started: true }, myTeam: null });

    expect(await answer(await locksRoute.DELETE(call("DELETE", {})))).toMatchObject({ status: 404 });
    signIn(users.admin);
    await forgetAdmission();
    expect(await answer(await locksRoute.DELETE(call("DELETE", {})))).toMatchObject({ status: 200, body: { applied: true } });
    expect(await answer(await windowRoute.DELETE(call("DELETE", { change: "open" })))).toMatchObject({ status: 200, body: { applied: true } });
  });
});
