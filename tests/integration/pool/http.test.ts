import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type * as OffersAcceptRoute from "@/app/api/offers/accept/route";
import type * as OffersDeclineRoute from "@/app/api/offers/decline/route";
import type * as OffersRoute from "@/app/api/offers/route";
import type * as PoolMeRoute from "@/app/api/pool/me/route";
import type * as PoolRoute from "@/app/api/pool/route";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { answer, appOrigin, appRedisReady, closeApp, configureApp, resetWorld } from "../../helpers/route-client";
import { ids, users } from "../../helpers/teams-world";
import { session } from "@/tests/helpers/session-double";

/**
 * The pool's and the offers' route handlers as Next.js runs them (guard,
 * query and body parsing, error mapping), with only the session replaced:
 * configuration, Redis, the REST client and the emulator are real. Bad input
 * on every route is a 400 naming the field, and changes nothing.
 */
vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));

let emu: TestEmulator;
let poolRoute: typeof PoolRoute;
let poolMeRoute: typeof PoolMeRoute;
let offersRoute: typeof OffersRoute;
let acceptRoute: typeof OffersAcceptRoute;
let declineRoute: typeof OffersDeclineRoute;

function signIn(user: { id: string; name: string }) {
  session.user = { ...user, sessionId: `session-${user.id}`, verified: true };
}

function call(method: string, body: unknown, query = ""): Request {
  const headers: Record<string, string> = { "content-type": "application/json", host: "dashboard.test", origin: appOrigin };
  return new Request(`${appOrigin}/api/x${query}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

async function storedKeys(): Promise<string[]> {
  const { getRedis } = await import("@/lib/redis/client");
  const keys = await getRedis().keys("safa:*");
  return keys.filter((key) => !/:(lock|admission|refusals|rate|ratelimit)/.test(key) && !key.includes("rl:")).sort();
}

beforeAll(async () => {
  emu = await emulator({ routeLimits: { "GET /guilds/:guild_id/members/:user_id": { count: 1_000, windowSeconds: 1 } } });
  configureApp(emu, { SAFA_DEMO_MODE: "1" });
  poolRoute = await import("@/app/api/pool/route");
  poolMeRoute = await import("@/app/api/pool/me/route");
  offersRoute = await import("@/app/api/offers/route");
  acceptRoute = await import("@/app/api/offers/accept/route");
  declineRoute = await import("@/app/api/offers/decline/route");
  await appRedisReady();
});

beforeEach(async () => {
  await resetWorld(emu);
  signIn(users.freeagent);
});

afterAll(async () => {
  await closeApp(emu);
});

describe("the pool's query string", () => {
  const badQueries: [string, string, string][] = [
    ["a page of 0", "?page=0", "page"],
    ["a page that is no number", "?page=two", "page"],
    ["a fractional page", "?page=1.5", "page"],
    ["a page size over the most", "?pageSize=51", "pageSize"],
    ["an unknown platform", "?platform=switch", "platform"],
    ["a position in lower case", "?position=mid", "position"],
    ["a country that is no code", "?country=Nigeria", "country"],
    ["an over-long search", `?q=${"a".repeat(41)}`, "q"],
  ];
  for (const [what, query, field] of badQueries) {
    it(`refuses ${what}: 400 naming the parameter`, async () => {
      const response = await answer(await poolRoute.GET(call("GET", undefined, query)));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: "invalid_input", field });
    });
  }

  it("reads an empty page with empty parameters as no filter", async () => {
    const response = await answer(await poolRoute.GET(call("GET", undefined, "?platform=&q=&page=1")));
    expect(response).toMatchObject({ status: 200, body: { players: [], total: 0, page: 1, pageSize: 20, offeringTeam: null, viewerLooking: false } });
  });
});

describe("bodies", () => {
  const badBodies: [string, () => Promise<Response>, string][] = [
    ["looking that is a string", () => poolMeRoute.PUT(call("PUT", { looking: "yes" })), "looking"],
    ["looking left out", () => poolMeRoute.PUT(call("PUT", {})), "looking"],
    ["an offer to no user", () => offersRoute.POST(call("POST", { teamId: ids.lagosLions })), "userId"],
    ["an offer with a team id that is no snowflake", () => offersRoute.POST(call("POST", { teamId: "../../x", userId: users.freeagent2.id })), "teamId"],
    ["a withdrawal with a numeric user id", () => offersRoute.DELETE(call("DELETE", { teamId: ids.lagosLions, userId: 1200000000000000007 })), "userId"],
    ["an acceptance without a team", () => acceptRoute.POST(call("POST", {})), "teamId"],
    ["a decline with a team id of 21 digits", () => declineRoute.POST(call("POST", { teamId: "1".repeat(21) })), "teamId"],
    ["offers of a team id that is no snowflake", () => offersRoute.GET(call("GET", undefined, "?teamId=abc")), "teamId"],
  ];
  for (const [what, send, field] of badBodies) {
    it(`refuses ${what}: 400 naming the field, nothing stored`, async () => {
      const response = await answer(await send());
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: "invalid_input", field });
      expect(await storedKeys()).toEqual([]);
    });
  }

  it("refuses malformed JSON on every mutation", async () => {
    for (const send of [poolMeRoute.PUT, offersRoute.POST, offersRoute.DELETE, acceptRoute.POST, declineRoute.POST]) {
      expect(await answer(await send(call("POST", "{not json")))).toMatchObject({ status: 400, body: { error: "invalid_json" } });
    }
  });

  it("answers 405 to methods a route does not serve", async () => {
    expect((await poolRoute.POST()).status).toBe(405);
    expect((await poolMeRoute.POST()).status).toBe(405);
    expect((await acceptRoute.GET()).status).toBe(405);
  });
});

describe("through the routes", () => {
  it("a free agent without a stored profile cannot enter the pool; the answer says what to do", async () => {
    const response = await answer(await poolMeRoute.PUT(call("PUT", { looking: true })));
    expect(response).toMatchObject({ status: 403, body: { error: "profile_required" } });
  });

  it("a player's own offers list is empty, and an offer that is not there cannot be accepted", async () => {
    expect(await answer(await offersRoute.GET(call("GET", undefined)))).toMatchObject({ status: 200, body: { offers: [] } });
    expect(await answer(await acceptRoute.POST(call("POST", { teamId: ids.lagosLions })))).toMatchObject({ status: 404, body: { error: "team_not_found" } });
  });
});
