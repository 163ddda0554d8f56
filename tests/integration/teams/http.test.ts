import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type * as TeamRolesRoute from "@/app/api/admin/team-roles/route";
import type * as ProfileRoute from "@/app/api/profile/route";
import type * as TeamsRoute from "@/app/api/teams/route";
import type * as DisbandRoute from "@/app/api/teams/disband/route";
import type * as ApproveRoute from "@/app/api/teams/requests/approve/route";
import type * as RequestsRoute from "@/app/api/teams/requests/route";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { answer, appOrigin, appRedisReady, closeApp, configureApp, resetWorld } from "../../helpers/route-client";
import { ids, users } from "../../helpers/teams-world";
import { session } from "@/tests/helpers/session-double";

/**
 * The route handlers as Next.js runs them (guard, body parsing, error
 * mapping), with only the session cookie replaced: configuration, Redis,
 * the REST client and the emulator are real.
 */
vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));

let emu: TestEmulator;
let teamsRoute: typeof TeamsRoute;
let requestsRoute: typeof RequestsRoute;
let approveRoute: typeof ApproveRoute;
let disbandRoute: typeof DisbandRoute;
let profileRoute: typeof ProfileRoute;
let teamRolesRoute: typeof TeamRolesRoute;

function signIn(user: { id: string; name: string }) {
  session.user = { ...user, sessionId: `session-${user.id}`, verified: true };
}

function call(method: string, body: unknown, origin: string | null = appOrigin): Request {
  const headers: Record<string, string> = { "content-type": "application/json", host: "dashboard.test" };
  if (origin !== null) headers.origin = origin;
  return new Request(`${appOrigin}/api/teams`, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

beforeAll(async () => {
  emu = await emulator({ routeLimits: { "GET /guilds/:guild_id/members/:user_id": { count: 1_000, windowSeconds: 1 } } });
  configureApp(emu, { SAFA_DEMO_MODE: "1" });
  teamsRoute = await import("@/app/api/teams/route");
  requestsRoute = await import("@/app/api/teams/requests/route");
  approveRoute = await import("@/app/api/teams/requests/approve/route");
  disbandRoute = await import("@/app/api/teams/disband/route");
  profileRoute = await import("@/app/api/profile/route");
  teamRolesRoute = await import("@/app/api/admin/team-roles/route");
  await appRedisReady();
});

beforeEach(async () => {
  await resetWorld(emu);
  signIn(users.freeagent);
});

afterAll(async () => {
  await closeApp(emu);
});

describe("the guard", () => {
  it("refuses a mutation from another origin or with no origin, before doing anything", async () => {
    for (const origin of ["http://evil.test", null, "null"]) {
      const response = await answer(await teamsRoute.POST(call("POST", { name: "Evil FC", tag: "EV" }, origin)));
      expect(response).toMatchObject({ status: 403, body: { error: "cross_origin" } });
    }
    const listed = await answer(await teamsRoute.GET(call("GET", undefined, null)));
    expect(listed, JSON.stringify(listed)).toMatchObject({ status: 200, body: { teams: [] } });
  });

  it("asks for a login first", async () => {
    session.user = null;
    expect((await teamsRoute.POST(call("POST", { name: "Anon FC", tag: "AN" }))).status).toBe(401);
  });
});

describe("hostile input", () => {
  const badTeams: [string, unknown, string, RegExp][] = [
    ["an over-long name", { name: "A".repeat(33), tag: "AB" }, "name", /at most 32/],
    ["a 10 000-character name", { name: "B".repeat(10_000), tag: "AB" }, "name", /at most 32/],
    ["a NUL byte", { name: "Lagos\u0000Lions", tag: "AB" }, "name", /control characters/],
    ["a zero-width space", { name: "Lagos\u200bLions", tag: "AB" }, "name", /control characters/],
    ["a bidi override", { name: "\u202eLagos Lions", tag: "AB" }, "name", /control characters/],
    ["HTML", { name: "<b>Bold</b> FC", tag: "AB" }, "name", /may only use/],
    ["a script tag", { name: "<script>alert(1)</script>", tag: "AB" }, "name", /may only use/],
    ["a Cyrillic look-alike", { name: "L\u0430gos Lions", tag: "AB" }, "name", /may only use/],
    ["a full-width look-alike", { name: "\uff2cagos Lions", tag: "AB" }, "name", /may only use/],
    ["a double space", { name: "Lagos  Lions", tag: "AB" }, "name", /single spaces/],
    ["a name of digits only", { name: "12345", tag: "AB" }, "name", /at least one letter/],
    ["a number for a name", { name: 42, tag: "AB" }, "name", /Enter a team name/],
    ["a missing tag", { name: "Fine Name" }, "tag", /Enter a short tag/],
    ["a tag with HTML", { name: "Fine Name", tag: "<i>" }, "tag", /letters A-Z/],
    ["a long tag", { name: "Fine Name", tag: "ABCDEF" }, "tag", /at most 5/],
  ];

  for (const [what, body, field, message] of badTeams) {
    it(`refuses a team with ${what}: 400 naming the field`, async () => {
      const response = await answer(await teamsRoute.POST(call("POST", body)));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: "invalid_input", field });
      expect(String(response.body.message)).toMatch(message);
    });
  }

  it("refuses malformed JSON, a huge body, and ids that are not snowflakes", async () => {
    expect(await answer(await teamsRoute.POST(call("POST", "{not json")))).toMatchObject({ status: 400, body: { error: "invalid_json" } });
    // Too large is 413 (was a 400 before bodies were counted while streaming): the body is refused, not parsed.
    expect(await answer(await teamsRoute.POST(call("POST", JSON.stringify({ name: "x".repeat(20_000), tag: "AB" }))))).toMatchObject({ status: 413, body: { error: "too_large" } });
    for (const teamId of ["../../admin", "1; DROP", "", "1".repeat(30), 12]) {
      const response = await answer(await requestsRoute.POST(call("POST", { teamId })));
      expect(response).toMatchObject({ status: 400, body: { field: "teamId" } });
    }
    const response = await answer(await approveRoute.POST(call("POST", { teamId: ids.lagosLions, userId: "<script>" })));
    expect(response).toMatchObject({ status: 400, body: { field: "userId" } });
  });

  it("refuses a hostile profile with an error per field", async () => {
    signIn(users.newcomer);
    const response = await answer(
      await profileRoute.POST(call("POST", { gamerTag: "<img src=x onerror=alert(1)>", platform: "switch", eaFcId: "ok_id", country: "XX", position: "GK" })),
    );
    expect(response.status).toBe(400);
    expect(response.body.fieldErrors).toMatchObject({ gamerTag: expect.any(String), platform: expect.any(String), country: expect.any(String) });
  });

  it("stores punctuation that HTML treats specially exactly as typed, for the page to escape", async () => {
    const created = await answer(await teamsRoute.POST(call("POST", { name: "Rock & Roll's F.C.", tag: "rr" })));
    expect(created).toMatchObject({ status: 200, body: { applied: true } });
    const listed = await answer(await teamsRoute.GET(call("GET", undefined)));
    expect(listed.body.teams).toEqual([expect.objectContaining({ name: "Rock & Roll's F.C.", tag: "RR" })]);
  });

  it("maps a domain refusal to a sentence, never a 500", async () => {
    signIn(users.freeagent2);
    const response = await answer(await disbandRoute.POST(call("POST", { teamId: ids.lagosLions })));
    expect(response.status).toBe(404);
    expect(String(response.body.message)).toMatch(/does not exist/);
  });
});

describe("marking a Discord role as a team", () => {
  it("answers 404 to anyone but a tournament admin, refuses another site and a role with permissions, and marks Lagos Lions", async () => {
    signIn(users.manager);
    expect(await answer(await teamRolesRoute.POST(call("POST", { roleId: ids.lagosLions })))).toMatchObject({ status: 404 });
    signIn(users.admin);
    expect(await answer(await teamRolesRoute.POST(call("POST", { roleId: ids.lagosLions }, "http://evil.test")))).toMatchObject({ status: 403, body: { error: "cross_origin" } });
    expect(await answer(await teamRolesRoute.POST(call("POST", { roleId: ids.moderator })))).toMatchObject({ status: 409, body: { error: "not_a_team_role" } });
    expect(await answer(await teamRolesRoute.POST(call("POST", { roleId: "../../x" })))).toMatchObject({ status: 400 });
    expect(await answer(await teamRolesRoute.POST(call("POST", { roleId: ids.lagosLions })))).toMatchObject({ status: 200, body: { applied: true, teamId: ids.lagosLions } });
    expect(teamRolesRoute.GET().status).toBe(405);
  });
});
