import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { inject } from "vitest";
import type * as ProfileRoute from "@/app/api/profile/route";
import type * as TeamsRoute from "@/app/api/teams/route";
import type * as FormOutcomeModule from "@/lib/api/form-outcome";
import { noFormActionState, type FormActionState } from "@/lib/api/form-state";
import type * as SaveProfileAction from "@/lib/profile/save-profile-action";
import type * as CreateTeamAction from "@/lib/teams/create-team-action";
import type * as TeamButtonAction from "@/lib/teams/team-button-action";
import type * as OfferButtonAction from "@/lib/offers/offer-button-action";
import type * as LookingAction from "@/lib/pool/looking-action";
import type * as OffersRoute from "@/app/api/offers/route";
import type * as PoolMeRoute from "@/app/api/pool/me/route";
import type * as ApproveRoute from "@/app/api/teams/requests/approve/route";
import type * as MyTeamRoute from "@/app/api/teams/mine/route";
import { emulator, type TestEmulator } from "../../helpers/harness";
import { appOrigin, appRedisReady, closeApp, configureApp, resetWorld } from "../../helpers/route-client";
import { ids, users } from "../../helpers/teams-world";
import { session } from "@/tests/helpers/session-double";

/**
 * The profile and "create a team" forms' server actions as Next.js runs
 * them for a form posted without scripts, with only the session cookie and
 * the request's headers replaced: configuration, Redis, the REST client and
 * the emulator are real. Each is checked against the JSON API it stands in
 * for: same guard, same limits, same sentences, same outcome.
 */
vi.mock("@/lib/auth/session", () => import("@/tests/helpers/session-double").then((double) => double.sessionModule));

const request: { headers: Headers } = { headers: new Headers() };
vi.mock("next/headers", () => ({ headers: async () => request.headers }));

let emu: TestEmulator;
let profileRoute: typeof ProfileRoute;
let teamsRoute: typeof TeamsRoute;
let saveProfileAction: typeof SaveProfileAction.saveProfileAction;
let createTeamAction: typeof CreateTeamAction.createTeamAction;
let teamButtonAction: typeof TeamButtonAction.teamButtonAction;
let offerButtonAction: typeof OfferButtonAction.offerButtonAction;
let lookingAction: typeof LookingAction.lookingAction;
let offersRoute: typeof OffersRoute;
let poolMeRoute: typeof PoolMeRoute;
let approveRoute: typeof ApproveRoute;
let myTeamRoute: typeof MyTeamRoute;
let formOutcome: typeof FormOutcomeModule;

function signIn(user: { id: string; name: string }) {
  session.user = { ...user, sessionId: `session-${user.id}`, verified: true };
  session.ended = false;
}

/** The headers of a browser's form post: from this app unless another origin (or none) is given. */
function postFrom(origin: string | null = appOrigin) {
  request.headers = new Headers({ host: "dashboard.test", "content-type": "multipart/form-data; boundary=x", "x-safa-client-address": "203.0.113.7" });
  if (origin !== null) request.headers.set("origin", origin);
}

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData();
  // React's own hidden inputs ride along with every server-action form; the actions must ignore them.
  data.set("$ACTION_KEY", "k1234");
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const goodProfile = { gamerTag: "NoScript_9", platform: "pc", eaFcId: "no script fc", country: "NG", position: "MID" };

/** Runs an action; a redirect (Next.js's `redirect()` throws) comes back as where it leads. */
async function submit(action: (previous: FormActionState, data: FormData) => Promise<FormActionState>, data: FormData) {
  try {
    return { state: await action(noFormActionState, data), redirectTo: null };
  } catch (error) {
    const digest = (error as { digest?: unknown }).digest;
    if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT")) throw error;
    return { state: null, redirectTo: digest.split(";")[2] };
  }
}

function apiCall(body: unknown): Request {
  return new Request(`${appOrigin}/api/x`, { method: "POST", headers: { "content-type": "application/json", host: "dashboard.test", origin: appOrigin }, body: JSON.stringify(body) });
}

async function storedProfile(userId: string): Promise<string | null> {
  const redis = await freshRedisReader();
  try {
    return await redis.get(`safa:profile:${userId}`);
  } finally {
    redis.disconnect();
  }
}

async function freshRedisReader() {
  const { Redis } = await import("ioredis");
  return new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
}

beforeAll(async () => {
  // Discord's pacing is not what these tests are about: roomy limits on the routes the actions call.
  const roomy = { count: 1_000, windowSeconds: 1 };
  emu = await emulator({
    routeLimits: {
      "GET /guilds/:guild_id/members/:user_id": roomy,
      "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": roomy,
      "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id": roomy,
      "POST /guilds/:guild_id/roles": roomy,
    },
  });
  configureApp(emu, { SAFA_DEMO_MODE: "1" });
  profileRoute = await import("@/app/api/profile/route");
  teamsRoute = await import("@/app/api/teams/route");
  ({ saveProfileAction } = await import("@/lib/profile/save-profile-action"));
  ({ createTeamAction } = await import("@/lib/teams/create-team-action"));
  ({ teamButtonAction } = await import("@/lib/teams/team-button-action"));
  ({ offerButtonAction } = await import("@/lib/offers/offer-button-action"));
  ({ lookingAction } = await import("@/lib/pool/looking-action"));
  offersRoute = await import("@/app/api/offers/route");
  poolMeRoute = await import("@/app/api/pool/me/route");
  approveRoute = await import("@/app/api/teams/requests/approve/route");
  myTeamRoute = await import("@/app/api/teams/mine/route");
  formOutcome = await import("@/lib/api/form-outcome");
  await appRedisReady();
});

beforeEach(async () => {
  await resetWorld(emu);
  signIn(users.newcomer);
  postFrom();
});

afterAll(async () => {
  await closeApp(emu);
});

describe("a form posted from another site", () => {
  it("is refused, with the API's sentence, whatever its origin says, and nothing is saved", async () => {
    for (const origin of ["http://evil.test", "null", null, "http://dashboard.test.evil.test", "https://dashboard.test"]) {
      postFrom(origin);
      const { state, redirectTo } = await submit(saveProfileAction, form(goodProfile));
      expect(redirectTo, `origin ${origin}`).toBeNull();
      expect(state?.message).toBe("This request did not come from the SAFA Dashboard. Reload the page and try again.");
    }
    signIn(users.freeagent);
    postFrom("http://evil.test");
    expect((await submit(createTeamAction, form({ name: "Evil FC", tag: "EV" }))).state?.message).toMatch(/did not come from the SAFA Dashboard/);
    expect(await storedProfile(users.newcomer.id)).toBeNull();
    const teams = (await (await teamsRoute.GET(apiCall(undefined))).json()) as { teams: unknown[] };
    expect(teams.teams).toEqual([]);
  });
});

describe("who may post", () => {
  it("sends a visitor without a session to the login, and an ended session to the route that forgets it", async () => {
    session.user = null;
    expect(await submit(saveProfileAction, form(goodProfile))).toEqual({ state: null, redirectTo: "/" });
    session.ended = true;
    expect(await submit(createTeamAction, form({ name: "Ghost FC", tag: "GH" }))).toEqual({ state: null, redirectTo: "/api/session/expired?reason=session_expired" });
  });

  it("shares the API's per-user limit on actions: a form past it is refused with the API's sentence", async () => {
    // 30 a minute (rateLimitPolicies.actions): 29 through the API, one form, then the next form is one too many.
    for (let call = 0; call < 29; call += 1) await profileRoute.POST(apiCall({ gamerTag: "x" }));
    expect((await submit(saveProfileAction, form({ gamerTag: "x" }))).state?.message).toBe("Gamer tag must be at least 3 characters.");
    const limited = await submit(saveProfileAction, form(goodProfile));
    expect(limited.state?.message).toMatch(/^Too many requests\. Please wait \d+ s\.$/);
    expect(await storedProfile(users.newcomer.id)).toBeNull();
  });
});

describe("the profile form", () => {
  it("refuses a bad value with the API's sentence beside its field, keeping everything typed", async () => {
    const typed = { ...goodProfile, gamerTag: "<b>tag</b>" };
    const { state } = await submit(saveProfileAction, form(typed));
    const api = (await (await profileRoute.POST(apiCall(typed))).json()) as { message: string; fieldErrors: Record<string, string> };
    expect(state).toEqual({ values: typed, fieldErrors: api.fieldErrors, message: api.message });
    expect(state?.fieldErrors).toEqual({ gamerTag: "Gamer tag may only use letters, digits, underscores, hyphens and dots." });
  });

  it("reads a missing field, or a file where text belongs, as empty, and sends back no more than 200 characters of a value", async () => {
    const { state } = await submit(saveProfileAction, form({ gamerTag: new Blob(["NoScript_9"]), platform: "pc", eaFcId: "e".repeat(5_000), country: "NG" }));
    expect(state?.values).toEqual({ gamerTag: "", platform: "pc", eaFcId: "e".repeat(200), country: "NG", position: "" });
    expect(state?.fieldErrors).toEqual({ gamerTag: "Enter your gamer tag.", eaFcId: "EA FC ID must be at most 32 characters.", position: "Choose your preferred position." });
  });

  it("saves a good profile through the same call as the API, then redirects home, where the page says so once", async () => {
    expect(await submit(saveProfileAction, form(goodProfile))).toEqual({ state: null, redirectTo: "/" });
    expect(JSON.parse((await storedProfile(users.newcomer.id)) ?? "null")).toMatchObject(goodProfile);
    const member = (await (await fetch(`${emu.apiBase}/guilds/1100000000000000001/members/${users.newcomer.id}`, { headers: { Authorization: "Bot emulator-bot-token" } })).json()) as { roles: string[] };
    expect(member.roles).toEqual(expect.arrayContaining([ids.updatedProfile, ids.freeAgent]));
    expect(await formOutcome.takeFormOutcome(users.newcomer.id)).toBe("Profile saved.");
    expect(await formOutcome.takeFormOutcome(users.newcomer.id)).toBeNull();
  });

  it("refuses a gamer tag another player wears with the sentence the API says", async () => {
    signIn(users.freeagent);
    expect((await submit(saveProfileAction, form(goodProfile))).redirectTo).toBe("/");
    signIn(users.newcomer);
    const taken = { ...goodProfile, eaFcId: "another id" };
    const { state } = await submit(saveProfileAction, form(taken));
    const api = (await (await profileRoute.POST(apiCall(taken))).json()) as { error: string; message: string };
    expect(api.error).toBe("gamer_tag_taken");
    expect(state?.message).toBe(api.message);
    expect(state?.values).toEqual(taken);
  });
});

describe("the create-a-team form", () => {
  beforeEach(() => signIn(users.freeagent));

  it("refuses a bad name beside its field and keeps the tag", async () => {
    const { state } = await submit(createTeamAction, form({ name: "<script>", tag: "ab" }));
    expect(state?.values).toEqual({ name: "<script>", tag: "ab" });
    expect(state?.fieldErrors.name).toMatch(/may only use/);
    expect(state?.fieldErrors.tag).toBeUndefined();
  });

  it("creates the team through the same call as the API; the page says so once; a second team is refused with the API's sentence", async () => {
    expect(await submit(createTeamAction, form({ name: "Form Eagles", tag: "fe" }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent.id)).toBe("Form Eagles is created and you are its manager.");
    const listed = (await (await teamsRoute.GET(apiCall(undefined))).json()) as { teams: { name: string; tag: string }[] };
    expect(listed.teams).toEqual([expect.objectContaining({ name: "Form Eagles", tag: "FE" })]);

    signIn(users.freeagent2);
    const clash = { name: "FORM eagles", tag: "FX" };
    const { state } = await submit(createTeamAction, form(clash));
    const api = (await (await teamsRoute.POST(apiCall(clash))).json()) as { error: string; message: string };
    expect(api.error).toBe("name_taken");
    expect(state?.message).toBe(api.message);
    expect(state?.values).toEqual(clash);
  });
});

describe("the join-request buttons", () => {
  type Listed = { teams: { id: string; name: string; requested: boolean }[] };
  const listed = async () => (await (await teamsRoute.GET(apiCall(undefined))).json()) as Listed;
  const rosterOf = async () => ((await (await myTeamRoute.GET(apiCall(undefined))).json()) as { team: { roster: { userId: string; role: string }[]; requests: { userId: string }[] } | null }).team;

  async function teamOfFreeagent(): Promise<string> {
    signIn(users.freeagent);
    expect((await submit(createTeamAction, form({ name: "Button Bees", tag: "BB" }))).redirectTo).toBe("/");
    await formOutcome.takeFormOutcome(users.freeagent.id);
    return (await listed()).teams[0]?.id ?? "";
  }

  it("asks to join and withdraws through the same calls as the API; the page says each outcome once", async () => {
    const teamId = await teamOfFreeagent();
    signIn(users.freeagent2);
    expect(await submit(teamButtonAction, form({ kind: "request", teamId }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent2.id)).toBe("Request sent to Button Bees.");
    expect((await listed()).teams.find((team) => team.id === teamId)?.requested).toBe(true);
    expect(await submit(teamButtonAction, form({ kind: "withdraw", teamId }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent2.id)).toMatch(/withdrawn/i);
    expect((await listed()).teams.find((team) => team.id === teamId)?.requested).toBe(false);
  });

  it("goes back to the admin area when the press came from there; any other page named is the dashboard", async () => {
    const teamId = await teamOfFreeagent();
    signIn(users.freeagent2);
    for (const [returnTo, expected] of [
      ["/admin", "/admin"],
      ["https://evil.example/", "/"],
      ["//evil.example", "/"],
      ["/admin/../api/session/expired", "/"],
      ["/ADMIN", "/"],
    ] as const) {
      expect(await submit(teamButtonAction, form({ kind: "request", teamId, returnTo })), returnTo).toEqual({ state: null, redirectTo: expected });
      expect(await submit(teamButtonAction, form({ kind: "withdraw", teamId, returnTo })), returnTo).toEqual({ state: null, redirectTo: expected });
    }
    // A file where the page's name belongs is no page either.
    expect(await submit(teamButtonAction, form({ kind: "request", teamId, returnTo: new Blob(["/admin"]) }))).toEqual({ state: null, redirectTo: "/" });
    // A refusal (a player approving their own request) renders the page it came from again, whatever it names.
    const refused = await submit(teamButtonAction, form({ kind: "approve", teamId, userId: users.freeagent2.id, returnTo: "/admin" }));
    expect(refused.redirectTo).toBeNull();
    expect(refused.state?.message).toMatch(/\S/);
  });

  it("lets the manager decline and approve; an approval puts the player on the roster and on Discord", async () => {
    const teamId = await teamOfFreeagent();
    for (const asker of [users.freeagent2, users.freeagent3]) {
      signIn(asker);
      expect((await submit(teamButtonAction, form({ kind: "request", teamId }))).redirectTo).toBe("/");
    }
    signIn(users.freeagent);
    expect((await submit(teamButtonAction, form({ kind: "decline", teamId, userId: users.freeagent3.id }))).redirectTo).toBe("/");
    expect((await submit(teamButtonAction, form({ kind: "approve", teamId, userId: users.freeagent2.id }))).redirectTo).toBe("/");
    expect(await formOutcome.takeFormOutcome(users.freeagent.id)).toBe("The player joined the team.");
    const team = await rosterOf();
    expect(team?.roster.map((entry) => entry.userId)).toEqual(expect.arrayContaining([users.freeagent.id, users.freeagent2.id]));
    expect(team?.requests).toEqual([]);
    const member = (await (await fetch(`${emu.apiBase}/guilds/1100000000000000001/members/${users.freeagent2.id}`, { headers: { Authorization: "Bot emulator-bot-token" } })).json()) as { roles: string[] };
    expect(member.roles).toEqual(expect.arrayContaining([ids.player, teamId]));
  });

  it("hands the team over, lets a player leave, and disbands, through the same calls as the API", async () => {
    const teamId = await teamOfFreeagent();
    signIn(users.freeagent2);
    expect((await submit(teamButtonAction, form({ kind: "request", teamId }))).redirectTo).toBe("/");
    signIn(users.freeagent);
    expect((await submit(teamButtonAction, form({ kind: "approve", teamId, userId: users.freeagent2.id }))).redirectTo).toBe("/");
    expect((await submit(teamButtonAction, form({ kind: "transfer", teamId, userId: users.freeagent2.id }))).redirectTo).toBe("/");
    expect((await rosterOf())?.roster.find((entry) => entry.userId === users.freeagent2.id)).toMatchObject({ role: "manager" });
    // Now a player: "remove" on oneself is leaving.
    expect((await submit(teamButtonAction, form({ kind: "remove", teamId, userId: users.freeagent.id }))).redirectTo).toBe("/");
    expect(await rosterOf()).toBeNull();
    signIn(users.freeagent2);
    expect((await rosterOf())?.roster.map((entry) => entry.userId)).toEqual([users.freeagent2.id]);
    // The new manager disbands it: nobody is left on a team, and its role is gone from Discord.
    expect((await submit(teamButtonAction, form({ kind: "disband", teamId }))).redirectTo).toBe("/");
    expect(await rosterOf()).toBeNull();
    expect((await listed()).teams).toEqual([]);
    const roles = (await (await fetch(`${emu.apiBase}/guilds/1100000000000000001/roles`, { headers: { Authorization: "Bot emulator-bot-token" } })).json()) as { id: string }[];
    expect(roles.map((role) => role.id)).not.toContain(teamId);
  });

  it("refuses with the API's sentence: a player approving their own request, a forged kind, a missing target", async () => {
    const teamId = await teamOfFreeagent();
    signIn(users.freeagent2);
    expect((await submit(teamButtonAction, form({ kind: "request", teamId }))).redirectTo).toBe("/");
    const own = { teamId, userId: users.freeagent2.id };
    const { state } = await submit(teamButtonAction, form({ kind: "approve", ...own }));
    const api = (await (await approveRoute.POST(apiCall(own))).json()) as { message: string };
    expect(state?.message).toBe(api.message);
    expect((await submit(teamButtonAction, form({ kind: "disband", teamId }))).state?.message).toMatch(/\S/);
    expect((await submit(teamButtonAction, form({ kind: "request" }))).state?.fieldErrors.teamId).toMatch(/Discord id/);
    signIn(users.freeagent);
    expect((await listed()).teams.map((team) => team.id)).toEqual([teamId]);
    expect((await rosterOf())?.roster.map((entry) => entry.userId)).toEqual([users.freeagent.id]);
  });
});

describe("the offer buttons", () => {
  type Offers = { offers: { teamId: string; userId?: string }[] };
  const put = (body: unknown) => new Request(`${appOrigin}/api/x`, { method: "PUT", headers: { "content-type": "application/json", host: "dashboard.test", origin: appOrigin }, body: JSON.stringify(body) });
  const get = (path: string) => new Request(`${appOrigin}${path}`, { headers: { host: "dashboard.test" } });

  /** freeagent manages a new team and has offered a place to each player given; returns the team's id. */
  async function offersFromNewTeam(players: { id: string; name: string }[]): Promise<string> {
    for (const [index, player] of players.entries()) {
      signIn(player);
      // The pool lists players with a profile.
      expect((await submit(saveProfileAction, form({ ...goodProfile, gamerTag: `Owl_${index}`, eaFcId: `owl fc ${index}` }))).redirectTo).toBe("/");
      await formOutcome.takeFormOutcome(player.id);
      expect((await poolMeRoute.PUT(put({ looking: true }))).status).toBe(200);
    }
    signIn(users.freeagent);
    expect((await submit(createTeamAction, form({ name: "Offer Owls", tag: "OO" }))).redirectTo).toBe("/");
    await formOutcome.takeFormOutcome(users.freeagent.id);
    const teamId = ((await (await teamsRoute.GET(apiCall(undefined))).json()) as { teams: { id: string }[] }).teams[0]?.id ?? "";
    for (const player of players) {
      const made = (await (await offersRoute.POST(apiCall({ teamId, userId: player.id }))).json()) as { applied: boolean };
      expect(made.applied).toBe(true);
    }
    return teamId;
  }

  it("accepts and declines through the same calls as the API; the page says each outcome once", async () => {
    const teamId = await offersFromNewTeam([users.freeagent2, users.freeagent3]);
    signIn(users.freeagent3);
    expect(await submit(offerButtonAction, form({ kind: "decline-offer", teamId }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent3.id)).toBe("You declined Offer Owls's offer.");
    expect(((await (await offersRoute.GET(get("/api/offers"))).json()) as Offers).offers).toEqual([]);
    signIn(users.freeagent2);
    expect(await submit(offerButtonAction, form({ kind: "accept-offer", teamId }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent2.id)).toBe("You joined Offer Owls.");
    const member = (await (await fetch(`${emu.apiBase}/guilds/1100000000000000001/members/${users.freeagent2.id}`, { headers: { Authorization: "Bot emulator-bot-token" } })).json()) as { roles: string[] };
    expect(member.roles).toEqual(expect.arrayContaining([ids.player, teamId]));
  });

  it("lets the manager withdraw an offer; refuses a player's withdrawal with the API's sentence", async () => {
    const teamId = await offersFromNewTeam([users.freeagent2]);
    const target = { teamId, userId: users.freeagent2.id };
    signIn(users.freeagent2);
    const { state } = await submit(offerButtonAction, form({ kind: "withdraw-offer", ...target }));
    const api = (await (await offersRoute.DELETE(new Request(`${appOrigin}/api/offers`, { method: "DELETE", headers: { "content-type": "application/json", host: "dashboard.test", origin: appOrigin }, body: JSON.stringify(target) }))).json()) as { message: string };
    expect(state?.message).toBe(api.message);
    expect(((await (await offersRoute.GET(get("/api/offers"))).json()) as Offers).offers.map((offer) => offer.teamId)).toEqual([teamId]);
    signIn(users.freeagent);
    expect(await submit(offerButtonAction, form({ kind: "withdraw-offer", ...target }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.freeagent.id)).toBe("Offer withdrawn.");
    signIn(users.freeagent2);
    expect(((await (await offersRoute.GET(get("/api/offers"))).json()) as Offers).offers).toEqual([]);
  });
});

describe("the looking-for-a-team switch", () => {
  const isLooking = async () => ((await (await poolMeRoute.GET(new Request(`${appOrigin}/api/pool/me`, { headers: { host: "dashboard.test" } }))).json()) as { looking: boolean }).looking;

  it("switches on when ticked and off when not, through the same call as the API", async () => {
    expect((await submit(saveProfileAction, form(goodProfile))).redirectTo).toBe("/");
    await formOutcome.takeFormOutcome(users.newcomer.id);
    expect(await submit(lookingAction, form({ looking: "on" }))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.newcomer.id)).toBe("You are in the free-agent pool: managers can find you and offer you a place.");
    expect(await isLooking()).toBe(true);
    // An unticked checkbox posts nothing at all.
    expect(await submit(lookingAction, form({}))).toEqual({ state: null, redirectTo: "/" });
    expect(await formOutcome.takeFormOutcome(users.newcomer.id)).toBe("You left the free-agent pool.");
    expect(await isLooking()).toBe(false);
  });

  it("refuses with the API's sentence: no profile yet; a value a checkbox never sends", async () => {
    const { state } = await submit(lookingAction, form({ looking: "on" }));
    const api = (await (await poolMeRoute.PUT(new Request(`${appOrigin}/api/pool/me`, { method: "PUT", headers: { "content-type": "application/json", host: "dashboard.test", origin: appOrigin }, body: JSON.stringify({ looking: true }) }))).json()) as { message: string };
    expect(state?.message).toBe(api.message);
    expect(state?.message).toBe("Complete your player profile first.");
    expect((await submit(lookingAction, form({ looking: "yes" }))).state?.fieldErrors.looking).toBe("Say whether you are looking for a team.");
    expect(await isLooking()).toBe(false);
  });
});
