import { expect, test, type Page } from "@playwright/test";
import { authorizeAs, clearApiRateLimits, emulatorUrl, logIn, resetEmulator } from "./support";

/**
 * Log in and sign out are plain forms with the server's CSRF token: they
 * work the moment the page appears and with JavaScript off. And the app
 * has one address: a page opened under another host name is sent to
 * NEXTAUTH_URL's before any cookie is set, so the login works from either.
 */
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const appUrl = `http://127.0.0.1:${appPort}`;

test.beforeEach(async () => {
  await resetEmulator();
  clearApiRateLimits();
});

async function expectDashboard(page: Page): Promise<void> {
  await expect(page.getByText("Signed in as")).toBeVisible();
  expect(page.url().startsWith(`${appUrl}/`)).toBe(true);
}

test("a login pressed before the page's scripts have loaded reaches Discord's authorize page and ends on the dashboard", async ({ page }) => {
  // The page's scripts are held back until Discord's page is reached, so the press can only work as a plain form.
  let release = () => {};
  const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsHeld;
    await route.continue().catch(() => undefined);
  });
  await page.goto("/", { waitUntil: "commit" });
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${emulatorUrl}/`));
  release();
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await authorizeAs(page, "freeagent");
  await expectDashboard(page);
});

test("a login clicked the moment the button appears, scripts loading as they come, ends on the dashboard", async ({ page }) => {
  await page.goto("/", { waitUntil: "commit" });
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await authorizeAs(page, "player");
  await expectDashboard(page);
});

test("with JavaScript off, the login reaches Discord and ends on the dashboard, and sign out works", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(`${emulatorUrl}/`));
  await authorizeAs(page, "manager");
  await expectDashboard(page);
  expect((await context.cookies()).some((cookie) => cookie.name === "next-auth.session-token")).toBe(true);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
  expect(page.url()).toBe(`${appUrl}/`);
  expect((await context.cookies()).some((cookie) => cookie.name === "next-auth.session-token")).toBe(false);
  await context.close();
});

for (const host of ["localhost", "127.0.0.1"]) {
  test(`a login started at http://${host}:${appPort} ends on the dashboard`, async ({ page }) => {
    await page.goto(`http://${host}:${appPort}/`);
    expect(new URL(page.url()).hostname).toBe("127.0.0.1");
    await page.getByRole("button", { name: "Log in with Discord" }).click();
    await authorizeAs(page, "freeagent");
    await expectDashboard(page);
  });
}

test("another host name: pages are sent to the public URL with their path and query, posts refused with a sentence, health answered", async ({ request }) => {
  const other = `http://localhost:${appPort}`;
  const page = await request.get(`${other}/?error=AccessDenied`, { maxRedirects: 0 });
  expect(page.status()).toBe(308);
  expect(page.headers().location).toBe(`${appUrl}/?error=AccessDenied`);
  const post = await request.post(`${other}/api/auth/signin/discord`, { form: { csrfToken: "x", callbackUrl: "/" }, maxRedirects: 0, failOnStatusCode: false });
  expect(post.status()).toBe(421);
  expect(await post.json()).toMatchObject({ error: "misdirected_request", message: expect.stringContaining(appUrl) });
  expect((await request.get(`${other}/api/health`)).status()).toBe(200);
});

/** The hidden inputs React renders into a form for its server action, as a browser without scripts posts them. */
async function serverActionFields(page: Page, formName: string): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const input of await page.getByRole("form", { name: formName }).locator('input[type="hidden"]').all()) {
    const name = await input.getAttribute("name");
    if (name !== null) fields[name] = (await input.getAttribute("value")) ?? "";
  }
  return fields;
}

async function myTeamName(page: Page): Promise<string | null> {
  const answer = (await (await page.request.get("/api/teams/mine")).json()) as { team: { name: string } | null };
  return answer.team?.name ?? null;
}

test("with JavaScript off, a newcomer fills the profile form (a refusal keeps what was typed), then creates a team, manages it and disbands it", async ({ browser }) => {
  test.setTimeout(150_000);
  // The e2e Redis outlives runs: a gamer tag and a team name of this run's own.
  const runId = Date.now().toString().slice(-6);
  const gamerTag = `NoJs_${runId}`;
  const teamName = `Quiet Owls ${runId}`;
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  const page = await context.newPage();
  try {
    await logIn(page, "newcomer");
    // An earlier spec may have given newcomer a profile; after the reset the mirror's resync takes it back (a page without scripts is read again by hand).
    await expect(async () => {
      await page.goto("/");
      await expect(page.locator('[data-view="profile-form"]')).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 45_000, intervals: [1_000] });

    await test.step("a bad gamer tag: its sentence beside the field, every other answer kept", async () => {
      await page.getByLabel("Gamer tag").fill("<b>me</b>");
      await page.getByLabel("Platform").selectOption("pc");
      await page.getByLabel("EA FC ID").fill(`quiet ${runId}`);
      await page.getByLabel("Country").selectOption("NG");
      await page.getByLabel("Preferred position").selectOption("MID");
      await page.getByRole("button", { name: "Save profile" }).click();
      const tag = page.getByLabel("Gamer tag");
      await expect(tag).toHaveAttribute("aria-invalid", "true");
      await expect(tag).toHaveAccessibleDescription(/^Gamer tag may only use letters, digits, underscores, hyphens and dots\./);
      await expect(tag).toHaveValue("<b>me</b>");
      await expect(page.getByLabel("Platform")).toHaveValue("pc");
      await expect(page.getByLabel("EA FC ID")).toHaveValue(`quiet ${runId}`);
      await expect(page.getByLabel("Country")).toHaveValue("NG");
      await expect(page.getByLabel("Preferred position")).toHaveValue("MID");
      await expect(page.locator('[data-view="profile-form"]')).toBeVisible();
    });

    await test.step("a good profile: the dashboard says it is saved and shows the free-agent view, with nothing typed in the address", async () => {
      await page.getByLabel("Gamer tag").fill(gamerTag);
      await page.getByRole("button", { name: "Save profile" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();
      expect(page.url()).toBe(`${appUrl}/`);
      await expect(async () => {
        if (!(await page.locator('[data-view="free-agent"]').isVisible())) await page.goto("/");
        await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 15_000, intervals: [1_000] });
    });

    await test.step("a cross-site post, one without an origin, and a huge one create nothing", async () => {
      const fields = await serverActionFields(page, "Create a team");
      expect(Object.keys(fields).some((name) => name.startsWith("$ACTION_"))).toBe(true);
      const forged = { ...fields, name: "Forged FC", tag: "FG" };
      const crossSite = await page.request.post("/", { multipart: forged, headers: { origin: "http://evil.test" }, maxRedirects: 0, failOnStatusCode: false });
      expect(crossSite.status()).toBeGreaterThanOrEqual(400);
      const noOrigin = await page.request.post("/", { multipart: forged, maxRedirects: 0, failOnStatusCode: false });
      expect(await noOrigin.text()).toContain("This request did not come from the SAFA Dashboard. Reload the page and try again.");
      const huge = await page.request.post("/", { multipart: { ...fields, name: "x".repeat(20_000), tag: "HG" }, headers: { origin: appUrl }, maxRedirects: 0, failOnStatusCode: false });
      expect(huge.status()).toBe(413);
      expect(await myTeamName(page)).toBeNull();
    });

    await test.step("a bad team name is refused beside its field with the tag kept; a good one makes the newcomer its manager", async () => {
      await page.getByLabel("Team name").fill("<i>Owls</i>");
      await page.getByLabel("Short tag").fill("qo");
      await page.getByRole("button", { name: "Create team" }).click();
      await expect(page.getByLabel("Team name")).toHaveAccessibleDescription(/^Team name may only use/);
      await expect(page.getByLabel("Team name")).toHaveValue("<i>Owls</i>");
      await expect(page.getByLabel("Short tag")).toHaveValue("qo");

      await page.getByLabel("Team name").fill(teamName);
      await page.getByRole("button", { name: "Create team" }).click();
      await expect(page.getByRole("status").filter({ hasText: `${teamName} is created and you are its manager.` })).toBeVisible();
      expect(page.url()).toBe(`${appUrl}/`);
      await expect(async () => {
        if (!(await page.locator('[data-view="team-manager"]').isVisible())) await page.goto("/");
        await expect(page.locator('[data-view="team-manager"]')).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 15_000, intervals: [1_000] });
      expect(await myTeamName(page)).toBe(teamName);
      // Said once: the page read again no longer repeats it.
      await page.goto("/");
      await expect(page.getByText(`${teamName} is created and you are its manager.`)).toHaveCount(0);
    });

    await test.step("the manager disbands the team: the page asks first, then the newcomer is a free agent again", async () => {
      const confirm = page.getByRole("button", { name: `Yes, disband ${teamName}` });
      await expect(confirm).toBeHidden();
      await page.getByText("Disband team", { exact: true }).click();
      await confirm.click();
      await expect(async () => {
        if (!(await page.locator('[data-view="free-agent"]').isVisible())) await page.goto("/");
        await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 1_000 });
      }).toPass({ timeout: 15_000, intervals: [1_000] });
      expect(await myTeamName(page)).toBeNull();
    });
  } finally {
    // The team goes again, so other specs find the newcomer as they expect.
    const mine = (await (await page.request.get("/api/teams/mine")).json().catch(() => null)) as { team: { id: string } | null } | null;
    if (mine?.team) await page.request.post("/api/teams/disband", { data: { teamId: mine.team.id }, headers: { origin: appUrl } });
    await context.close();
  }
});

test("a profile saved before the page's scripts have loaded goes through as a plain form; once they run, a team is created through the API as before", async ({ page }) => {
  test.setTimeout(120_000);
  const runId = Date.now().toString().slice(-6);
  const teamName = `Early Larks ${runId}`;
  await logIn(page, "newcomer");
  // The page's scripts are held back until the profile is saved, so the press can only work as a plain form.
  let release = () => {};
  const scriptsHeld = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/_next/static/**/*.js", async (route) => {
    await scriptsHeld;
    await route.continue().catch(() => undefined);
  });
  try {
    // After the reset the mirror's resync takes an earlier run's profile roles back; until then the page is read again.
    await expect(async () => {
      await page.goto("/", { waitUntil: "commit" });
      await expect(page.locator('[data-view="profile-form"]')).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 45_000, intervals: [1_000] });
    await page.getByLabel("Gamer tag").fill(`Early_${runId}`);
    await page.getByLabel("Platform").selectOption("xbox");
    await page.getByLabel("EA FC ID").fill(`early ${runId}`);
    await page.getByLabel("Country").selectOption("GH");
    await page.getByLabel("Preferred position").selectOption("GK");
    const apiSaves: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname.startsWith("/api/")) apiSaves.push(request.url());
    });
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Profile saved." })).toBeVisible();
    expect(apiSaves).toEqual([]);

    release();
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await page.goto("/");
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 15_000 });
    // The profile editor loads the saved profile through the API: the scripts are running.
    await expect(page.locator("details").getByLabel("Gamer tag")).toHaveValue(`Early_${runId}`, { timeout: 15_000 });
    await page.getByLabel("Team name").fill(teamName);
    await page.getByLabel("Short tag").fill("el");
    const created = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/teams" && response.request().method() === "POST");
    await page.getByRole("button", { name: "Create team" }).click();
    expect((await created).status()).toBe(200);
    await expect(page.locator('[data-view="team-manager"]')).toBeVisible({ timeout: 20_000 });
    expect(await myTeamName(page)).toBe(teamName);
  } finally {
    release();
    const mine = (await (await page.request.get("/api/teams/mine")).json().catch(() => null)) as { team: { id: string } | null } | null;
    if (mine?.team) await page.request.post("/api/teams/disband", { data: { teamId: mine.team.id }, headers: { origin: appUrl } });
  }
});

/** Reads the page again until `ready` shows: a page without scripts changes only when it is loaded again. */
async function reloadUntil(page: Page, ready: (page: Page) => Promise<void>): Promise<void> {
  await expect(async () => {
    await page.goto("/");
    await ready(page);
  }).toPass({ timeout: 45_000, intervals: [1_000] });
}

/** Logs `persona` in on a page without scripts and reads it again until their team browser lists Lagos Lions. */
async function logInFreeAgent(page: Page, persona: string): Promise<void> {
  await logIn(page, persona);
  await reloadUntil(page, async (current) => {
    await expect(current.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 1_000 });
    await expect(current.getByRole("region", { name: "Find a team" }).getByRole("list", { name: "Teams" }).getByRole("link", { name: "Lagos Lions" })).toBeVisible({ timeout: 1_000 });
  });
}

test("with JavaScript off, the dashboard's panels arrive with their lists: the free agent's teams, the manager's roster", async ({ browser }) => {
  test.setTimeout(120_000);
  // After the reset the mirror's resync may still be putting earlier runs' roles back: the view is waited for by reading the page again.
  const freeAgentContext = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  try {
    const page = await freeAgentContext.newPage();
    await logInFreeAgent(page, "freeagent");
    const findTeam = page.getByRole("region", { name: "Find a team" });
    await expect(findTeam.locator('[data-skeleton], [aria-busy="true"]')).toHaveCount(0);
    // Nor does any other panel of the page wait for scripts that will never run.
    await expect(page.locator("main [data-skeleton]")).toHaveCount(0);
  } finally {
    await freeAgentContext.close();
  }

  const managerContext = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  try {
    const page = await managerContext.newPage();
    await logIn(page, "manager");
    // The player is named as Discord (the Gateway mirror) knows them, which a freshly reset stack may still be learning.
    await reloadUntil(page, async (current) => {
      await expect(current.locator('[data-view="team-manager"]')).toBeVisible({ timeout: 1_000 });
      const roster = current.getByRole("region", { name: "Roster", exact: true }).getByRole("list", { name: "Roster of Lagos Lions" });
      await expect(roster.locator('[data-member="Player"]')).toBeVisible({ timeout: 1_000 });
    });
    await expect(page.getByRole("region", { name: "Roster", exact: true }).locator('[data-skeleton], [aria-busy="true"]')).toHaveCount(0);
    await expect(page.locator("main [data-skeleton]")).toHaveCount(0);
  } finally {
    await managerContext.close();
  }
});

test("with JavaScript off, a free agent asks to join and withdraws, and a manager and an admin decline requests", async ({ browser }) => {
  test.setTimeout(120_000);
  const joinerContext = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  const managerContext = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  const adminContext = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  try {
    const joiner = await joinerContext.newPage();
    await logInFreeAgent(joiner, "freeagent2");
    const teams = joiner.getByRole("region", { name: "Find a team" }).getByRole("list", { name: "Teams" });
    // A request an earlier, interrupted run left behind goes first.
    if (await teams.getByRole("button", { name: "Withdraw request to Lagos Lions" }).isVisible()) {
      await teams.getByRole("button", { name: "Withdraw request to Lagos Lions" }).click();
      await expect(joiner.getByText("Request withdrawn.")).toBeVisible();
    }
    await teams.getByRole("button", { name: "Ask to join Lagos Lions" }).click();
    await expect(joiner.getByText("Request sent to Lagos Lions.")).toBeVisible();
    await expect(teams.getByRole("button", { name: "Withdraw request to Lagos Lions" })).toBeVisible();

    const manager = await managerContext.newPage();
    await logIn(manager, "manager");
    const decline = manager.getByRole("button", { name: /^Decline (freeagent2|Free Agent 2)$/ });
    await reloadUntil(manager, async (current) => {
      await expect(current.locator('[data-view="team-manager"]')).toBeVisible({ timeout: 1_000 });
      await expect(current.getByRole("button", { name: /^Decline (freeagent2|Free Agent 2)$/ })).toBeVisible({ timeout: 1_000 });
    });
    await decline.click();
    await expect(manager.getByText("Request declined.")).toBeVisible();
    await expect(decline).toHaveCount(0);

    await test.step("an admin declines a request from the admin area and stays there, told what happened", async () => {
      await joiner.goto("/");
      await teams.getByRole("button", { name: "Ask to join Lagos Lions" }).click();
      await expect(joiner.getByText("Request sent to Lagos Lions.")).toBeVisible();
      const admin = await adminContext.newPage();
      await logIn(admin, "admin");
      await admin.goto("/admin");
      const lions = admin.getByRole("region", { name: "Lagos Lions" });
      await lions.getByRole("button", { name: /^Decline (freeagent2|Free Agent 2)$/ }).click();
      await expect(admin.getByRole("status").filter({ hasText: "Request declined." })).toBeVisible();
      expect(admin.url()).toBe(`${appUrl}/admin`);
      await expect(lions.getByRole("button", { name: /^Decline (freeagent2|Free Agent 2)$/ })).toHaveCount(0);
    });

    await joiner.goto("/");
    await teams.getByRole("button", { name: "Ask to join Lagos Lions" }).click();
    await expect(joiner.getByText("Request sent to Lagos Lions.")).toBeVisible();
    await teams.getByRole("button", { name: "Withdraw request to Lagos Lions" }).click();
    await expect(joiner.getByText("Request withdrawn.")).toBeVisible();
    await expect(teams.getByRole("button", { name: "Ask to join Lagos Lions" })).toBeVisible();
  } finally {
    await joinerContext.close();
    await managerContext.close();
    await adminContext.close();
  }
});

test("with JavaScript off, the 'Looking for a team' switch is saved with its own button", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  try {
    const page = await context.newPage();
    await logIn(page, "freeagent2");
    // The pool lists players with a profile.
    const saved = await page.request.post("/api/profile", {
      data: { gamerTag: "NoScript_Two", platform: "pc", eaFcId: "noscripttwo", country: "GH", position: "FWD" },
      headers: { origin: appUrl },
    });
    expect(saved.status()).toBeLessThan(300);
    await reloadUntil(page, async (current) => {
      await expect(current.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 1_000 });
    });
    const looking = page.getByRole("switch", { name: "Looking for a team" });
    const save = page.getByRole("button", { name: "Save", exact: true });
    if (await looking.isChecked()) {
      await looking.uncheck();
      await save.click();
      await expect(page.getByText("You left the free-agent pool.")).toBeVisible();
    }
    await looking.check();
    await save.click();
    await expect(page.getByText("You are in the free-agent pool: managers can find you and offer you a place.")).toBeVisible();
    await expect(looking).toBeChecked();
    await looking.uncheck();
    await save.click();
    await expect(page.getByText("You left the free-agent pool.")).toBeVisible();
    await expect(looking).not.toBeChecked();
  } finally {
    await context.close();
  }
});

test("with JavaScript off, the team search is a form: its button reloads the page with the filter applied", async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: appUrl });
  try {
    const page = await context.newPage();
    await logInFreeAgent(page, "freeagent");
    const findTeam = page.getByRole("region", { name: "Find a team" });
    await findTeam.getByLabel("Search teams").fill("no such club");
    await findTeam.getByRole("button", { name: "Search", exact: true }).click();
    await expect(findTeam.getByText("No team matches your search.")).toBeVisible();
    expect(new URL(page.url()).searchParams.get("q")).toBe("no such club");
    await expect(findTeam.getByLabel("Search teams")).toHaveValue("no such club");
    await findTeam.getByLabel("Search teams").fill("lions");
    await findTeam.getByRole("button", { name: "Search", exact: true }).click();
    await expect(findTeam.getByRole("link", { name: "Lagos Lions" })).toBeVisible();
  } finally {
    await context.close();
  }
});
