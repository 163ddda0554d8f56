import type { DehydratedState, QueryKey } from "@tanstack/react-query";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type * as OffersRoute from "@/app/api/offers/route";
import type * as PoolMeRoute from "@/app/api/pool/me/route";
import type * as ProfileRoute from "@/app/api/profile/route";
import type * as TeamsMineRoute from "@/app/api/teams/mine/route";
import type * as TeamsRoute from "@/app/api/teams/route";
import type * as TransfersRoute from "@/app/api/transfers/route";
import { profileAnswerSchema } from "@/components/teams/profile-query";
import type * as ErrorsModule from "@/lib/api/errors";
import type * as WithSessionModule from "@/lib/api/with-session";
import type * as ReadsModule from "@/lib/dashboard/dashboard-reads";
import type * as PrefetchModule from "@/lib/dashboard/prefetch-dashboard";
import { myOffersSchema, teamOffersSchema } from "@/lib/offers/answer";
import { lookingSchema } from "@/lib/pool/answer";
import { rateLimitPolicies } from "@/lib/api/ratelimit-policies";
import { myTeamSchema, teamListSchema } from "@/lib/teams/answer";
import { transferStatusSchema } from "@/lib/tournament/answer";
import { PERSONAS } from "../../../emulator/fixture";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { appOrigin, appRedisReady, closeApp, configureApp, resetWorld } from "../../helpers/route-client";
import { ids, users } from "../../helpers/teams-world";
import { session } from "@/tests/helpers/session-double";

/**
 * The dashboard's server-side prefetch against the real lib reads (Redis,
 * the REST client, the emulator), each entry compared with what the GET
 * route behind its panel answers the same user, parsed as the browser's
 * fetch function parses it. Only the session cookie is replaced, for the
 * routes the comparison calls.
 */
vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));

let emu: TestEmulator;
let prefetchDashboard: typeof PrefetchModule.prefetchDashboard;
let dashboardReads: typeof ReadsModule.dashboardReads;
let limitOrOpen: typeof WithSessionModule.limitOrOpen;
let ApiError: typeof ErrorsModule.ApiError;
let routes: {
  profile: typeof ProfileRoute;
  transfers: typeof TransfersRoute;
  teams: typeof TeamsRoute;
  teamsMine: typeof TeamsMineRoute;
  poolMe: typeof PoolMeRoute;
  offers: typeof OffersRoute;
};

type Persona = { id: string; name: string };

function signIn(user: Persona) {
  session.user = { ...user, sessionId: `session-${user.id}`, verified: true };
}

function call(method: string, body?: unknown, query = ""): Request {
  const headers: Record<string, string> = { "content-type": "application/json", host: "dashboard.test", origin: appOrigin };
  return new Request(`${appOrigin}/api/x${query}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** A GET route's answer to `user`, as the browser's fetch function turns it into the query's data. */
async function routeData<T>(user: Persona, get: (request: Request) => Promise<Response>, parse: (json: unknown) => T, query = ""): Promise<T> {
  signIn(user);
  const response = await get(call("GET", undefined, query));
  expect(response.status, `GET ${query} for ${user.name}`).toBe(200);
  return parse(await response.json());
}

async function mutate(user: Persona, send: (request: Request) => Promise<Response>, method: string, body: unknown): Promise<void> {
  signIn(user);
  const response = await send(call(method, body));
  const answer = (await response.json()) as { applied?: boolean; message?: string };
  expect(response.status, answer.message).toBe(200);
}

const keyOf = (key: QueryKey) => JSON.stringify(key);

/** The dehydrated queries by key; every one a success (the browser treats them as fetched data). */
function entriesOf(state: DehydratedState): Map<string, unknown> {
  for (const query of state.queries) expect(query.state.status, keyOf(query.queryKey)).toBe("success");
  return new Map(state.queries.map((query) => [keyOf(query.queryKey), query.state.data]));
}

/** What each panel of `user`'s view would have fetched, by query key. */
async function expectedFor(user: Persona, view: "free-agent" | "team-manager" | "player"): Promise<Map<string, unknown>> {
  const expected = new Map<string, unknown>([
    [keyOf(["profile"]), await routeData(user, routes.profile.GET, (json) => profileAnswerSchema.parse(json).profile)],
    [keyOf(["transfers"]), await routeData(user, routes.transfers.GET, (json) => transferStatusSchema.parse(json))],
  ]);
  if (view === "free-agent") {
    expected.set(keyOf(["teams"]), await routeData(user, routes.teams.GET, (json) => teamListSchema.parse(json)));
    expected.set(keyOf(["pool", "me"]), await routeData(user, routes.poolMe.GET, (json) => lookingSchema.parse(json)));
    expected.set(keyOf(["offers", "mine"]), await routeData(user, routes.offers.GET, (json) => myOffersSchema.parse(json)));
    return expected;
  }
  expected.set(keyOf(["my-team"]), await routeData(user, routes.teamsMine.GET, (json) => myTeamSchema.parse(json)));
  if (view === "team-manager") {
    expected.set(keyOf(["offers", "team", ids.lagosLions]), await routeData(user, routes.offers.GET, (json) => teamOffersSchema.parse(json), `?teamId=${ids.lagosLions}`));
  }
  return expected;
}

/** Units of the user's "roles" read budget spent in this window. */
async function readBudgetSpent(userId: string): Promise<number> {
  const { getRedis } = await import("@/lib/redis/client");
  return Number((await getRedis().get(`api_ratelimit_roles_${userId}`)) ?? 0);
}

const freeAgentProfile = { gamerTag: "Prefetch_FA", platform: "pc", eaFcId: "prefetch fa", country: "NG", position: "MID" };

beforeAll(async () => {
  emu = await emulator({ routeLimits: { "GET /guilds/:guild_id/members/:user_id": { count: 1_000, windowSeconds: 1 } } });
  configureApp(emu, { SAFA_DEMO_MODE: "1" });
  ({ prefetchDashboard } = await import("@/lib/dashboard/prefetch-dashboard"));
  ({ dashboardReads } = await import("@/lib/dashboard/dashboard-reads"));
  ({ limitOrOpen } = await import("@/lib/api/with-session"));
  ({ ApiError } = await import("@/lib/api/errors"));
  routes = {
    profile: await import("@/app/api/profile/route"),
    transfers: await import("@/app/api/transfers/route"),
    teams: await import("@/app/api/teams/route"),
    teamsMine: await import("@/app/api/teams/mine/route"),
    poolMe: await import("@/app/api/pool/me/route"),
    offers: await import("@/app/api/offers/route"),
  };
  await appRedisReady();
});

beforeEach(async () => {
  await resetWorld(emu);
  // Lagos Lions, made on Discord, becomes a team as the demo's stack marks it.
  const { seedDemoTeams } = await import("../../../scripts/seed-demo");
  const { getTeamContext, myTeam } = await import("@/lib/teams");
  for (const result of await seedDemoTeams(getTeamContext())) expect(result.applied, result.message).toBe(true);
  // Each persona has opened their page once: their roles cached as the page's roles read caches them, and the team adopted from them.
  const context = getTeamContext();
  for (const user of [users.freeagent, users.manager, users.player]) {
    await context.roleCache.writeThrough(user.id, PERSONAS.find((persona) => persona.id === user.id)?.roles ?? []);
    await myTeam(context, user);
  }
  // A free agent in the pool with an open offer from Lagos Lions, so every list has something in it.
  await mutate(users.freeagent, routes.profile.POST, "POST", freeAgentProfile);
  await mutate(users.freeagent, routes.poolMe.PUT, "PUT", { looking: true });
  await mutate(users.manager, routes.offers.POST, "POST", { teamId: ids.lagosLions, userId: users.freeagent.id });
});

afterAll(async () => {
  await closeApp(emu);
});

describe("each view's first render", () => {
  const cases = [
    { view: "free-agent", user: users.freeagent },
    { view: "team-manager", user: users.manager },
    { view: "player", user: users.player },
  ] as const;
  for (const { view, user } of cases) {
    it(`${view}: holds exactly the queries the view mounts, each equal to its GET route's answer`, async () => {
      const entries = entriesOf(await prefetchDashboard(user, view));
      const expected = await expectedFor(user, view);
      expect([...entries.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [key, data] of expected) expect(entries.get(key), key).toEqual(data);
    });
  }

  it("carries real lists: Lagos Lions for the free agent, its roster and open offer for the manager, the player's own team", async () => {
    const freeAgent = entriesOf(await prefetchDashboard(users.freeagent, "free-agent"));
    expect(teamListSchema.parse(freeAgent.get(keyOf(["teams"]))).teams.map((team) => team.name)).toEqual(["Lagos Lions"]);
    expect(freeAgent.get(keyOf(["pool", "me"]))).toEqual({ looking: true });
    expect(myOffersSchema.parse(freeAgent.get(keyOf(["offers", "mine"]))).offers).toEqual([expect.objectContaining({ teamId: ids.lagosLions })]);
    expect(freeAgent.get(keyOf(["profile"]))).toEqual(freeAgentProfile);

    const manager = entriesOf(await prefetchDashboard(users.manager, "team-manager"));
    const myTeam = myTeamSchema.parse(manager.get(keyOf(["my-team"])));
    expect(myTeam.canManage).toBe(true);
    expect(myTeam.team?.roster.map((entry) => entry.userId)).toEqual(expect.arrayContaining([users.manager.id, users.player.id]));
    expect(teamOffersSchema.parse(manager.get(keyOf(["offers", "team", ids.lagosLions]))).offers.map((offer) => offer.userId)).toEqual([users.freeagent.id]);

    const player = entriesOf(await prefetchDashboard(users.player, "player"));
    expect(myTeamSchema.parse(player.get(keyOf(["my-team"]))).team?.name).toBe("Lagos Lions");
  });

  it("join-server and profile-form: nothing, and no read budget spent", async () => {
    expect((await prefetchDashboard(users.outsider, "join-server")).queries).toEqual([]);
    expect((await prefetchDashboard(users.newcomer, "profile-form")).queries).toEqual([]);
    expect(await readBudgetSpent(users.outsider.id)).toBe(0);
    expect(await readBudgetSpent(users.newcomer.id)).toBe(0);
  });
});

describe("a read that fails", () => {
  it("is left out, and the rest are there", async () => {
    const reads = { ...dashboardReads, teams: async () => Promise.reject(new Error("Connection is closed.")) };
    const entries = entriesOf(await prefetchDashboard(users.freeagent, "free-agent", reads));
    expect([...entries.keys()].sort()).toEqual([keyOf(["offers", "mine"]), keyOf(["pool", "me"]), keyOf(["profile"]), keyOf(["transfers"])].sort());
  });

  it("is left out when the route would refuse it (a 403 for the team's offers), the roster kept", async () => {
    const reads = { ...dashboardReads, teamOffers: async () => Promise.reject(new ApiError("forbidden", "Only the team's manager sees its offers.")) };
    const entries = entriesOf(await prefetchDashboard(users.manager, "team-manager", reads));
    expect([...entries.keys()].sort()).toEqual([keyOf(["my-team"]), keyOf(["profile"]), keyOf(["transfers"])].sort());
  });

  it("leaves the team's offers out too when the roster read fails: they hang on its team id", async () => {
    let offersRead = false;
    const reads = {
      ...dashboardReads,
      myTeam: async () => Promise.reject(new Error("Connection is closed.")),
      teamOffers: async (user: Persona, teamId: string) => {
        offersRead = true;
        return dashboardReads.teamOffers(user, teamId);
      },
    };
    const entries = entriesOf(await prefetchDashboard(users.manager, "team-manager", reads));
    expect([...entries.keys()].sort()).toEqual([keyOf(["profile"]), keyOf(["transfers"])].sort());
    expect(offersRead).toBe(false);
  });

  it("is left out when its answer is not the shape the browser parses", async () => {
    const reads = { ...dashboardReads, myOffers: async () => ({ offers: "none" }), transfers: async () => undefined };
    const entries = entriesOf(await prefetchDashboard(users.freeagent, "free-agent", reads));
    expect([...entries.keys()].sort()).toEqual([keyOf(["pool", "me"]), keyOf(["profile"]), keyOf(["teams"])].sort());
  });
});

describe("the read budget", () => {
  it("is charged one unit per render that prefetches, however many reads it makes", async () => {
    expect((await prefetchDashboard(users.freeagent, "free-agent")).queries).toHaveLength(5);
    expect(await readBudgetSpent(users.freeagent.id)).toBe(1);
    await prefetchDashboard(users.freeagent, "free-agent");
    expect(await readBudgetSpent(users.freeagent.id)).toBe(2);
    await prefetchDashboard(users.manager, "team-manager");
    expect(await readBudgetSpent(users.manager.id)).toBe(1);
  });

  it("spent: no prefetch at all (the page still renders), and that render is charged once too", async () => {
    const { hits } = rateLimitPolicies.roles;
    for (let hit = 0; hit < hits; hit += 1) expect((await limitOrOpen("roles", users.player.id)).allowed).toBe(true);
    let reads = 0;
    const counted = { ...dashboardReads, myTeam: async (user: Persona) => ((reads += 1), dashboardReads.myTeam(user)) };
    const state = await prefetchDashboard(users.player, "player", counted);
    expect(state.queries).toEqual([]);
    expect(reads).toBe(0);
    expect(await readBudgetSpent(users.player.id)).toBe(hits + 1);
    // The API's own GET meets the same spent budget.
    signIn(users.player);
    expect((await routes.teamsMine.GET(call("GET"))).status).toBe(429);
  });
});
