import { expect, test, type Browser, type Page } from "@playwright/test";
import { emulatorUrl, logIn, personaState, resetEmulator, roles } from "./support";

/**
 * The actions end to end, through the emulator's OAuth login and its guild:
 * after every step the emulator's own state (`GET /__emulator/personas`)
 * must show the Discord roles the step stands for.
 */

// The e2e Redis keeps its data between runs (append-only file), while the emulator starts afresh:
// a unique name keeps this run's team apart from anything an earlier, interrupted run left.
const teamName = `Cobras ${Date.now().toString().slice(-6)}`;
const teamTag = "CB";

async function as(browser: Browser, persona: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, persona);
  return page;
}

async function teamRoleId(): Promise<string> {
  const body = (await (await fetch(`${emulatorUrl}/__emulator/personas`)).json()) as { guild: { roles: { id: string; name: string }[] } };
  const role = body.guild.roles.find((entry) => entry.name === teamName);
  if (!role) throw new Error(`no Discord role named ${teamName}`);
  return role.id;
}

async function guildRoleNames(): Promise<string[]> {
  const body = (await (await fetch(`${emulatorUrl}/__emulator/personas`)).json()) as { guild: { roles: { name: string }[] } };
  return body.guild.roles.map((role) => role.name);
}

/** Teams an interrupted earlier run left behind (not the fixture's adopted Lagos Lions) are disbanded through the API as admin. */
async function disbandLeftovers(page: Page): Promise<void> {
  const list = (await (await page.request.get("/api/teams")).json()) as { teams: { id: string; name: string }[] };
  const origin = new URL(page.url()).origin;
  for (const team of list.teams.filter((entry) => entry.name !== "Lagos Lions")) {
    await page.request.post("/api/teams/disband", { data: { teamId: team.id }, headers: { origin } });
  }
}

test("profile, team creation, join, approval, leaving and disbanding keep Discord in step", async ({ browser }) => {
  test.setTimeout(240_000);
  await resetEmulator();
  const cleaner = await as(browser, "admin");
  await disbandLeftovers(cleaner);
  await cleaner.context().close();
  await resetEmulator();

  await test.step("newcomer fills in the profile form, sees field errors first, lands on the free-agent view", async () => {
    const page = await as(browser, "newcomer");
    // An earlier spec may have given newcomer a profile; after the reset the mirror's resync (which may wait out Discord's 30 s all-members limit) takes it back.
    await expect(page.locator('[data-view="profile-form"]')).toBeVisible({ timeout: 45_000 });
    await page.getByLabel("Gamer tag").fill("x<");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.getByText("Gamer tag must be at least 3 characters.")).toBeVisible();
    await expect(page.getByText("Choose your platform.")).toBeVisible();
    expect((await personaState("newcomer")).roles).toEqual([]);

    await page.getByLabel("Gamer tag").fill("Newbie_10");
    await page.getByLabel("Platform").selectOption("pc");
    await page.getByLabel("EA FC ID").fill("newbie10");
    await page.getByLabel("Country").selectOption("NG");
    await page.getByLabel("Preferred position").selectOption("MID");
    await page.getByRole("button", { name: "Save profile" }).click();
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 20_000 });
    await expect.poll(async () => (await personaState("newcomer")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.freeAgent].sort());
    await page.context().close();
  });

  const manager = await as(browser, "freeagent");
  await test.step("a free agent creates a team and lands on the team-manager view", async () => {
    await expect(manager.locator('[data-view="free-agent"]')).toBeVisible();
    await manager.getByLabel("Team name").fill("<b>x</b>");
    await manager.getByRole("button", { name: "Create team" }).click();
    await expect(manager.getByText(/Team name may only use/)).toBeVisible();
    await manager.getByLabel("Team name").fill(teamName);
    await manager.getByLabel("Short tag").fill(teamTag);
    await manager.getByRole("button", { name: "Create team" }).click();
    await expect(manager.locator('[data-view="team-manager"]')).toBeVisible({ timeout: 20_000 });
    await expect(manager.getByText(teamName).first()).toBeVisible();
    const roleId = await teamRoleId();
    await expect.poll(async () => (await personaState("freeagent")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.teamManager, roleId].sort());
  });

  const joiner = await as(browser, "freeagent2");
  await test.step("another free agent asks to join; the manager approves; their next page is the player view", async () => {
    await expect(joiner.locator('[data-view="free-agent"]')).toBeVisible();
    await joiner.getByRole("button", { name: `Ask to join ${teamName}` }).click();
    await expect(joiner.getByText(`Request sent to ${teamName}.`)).toBeVisible();

    await manager.reload();
    await manager.getByRole("button", { name: /^Approve / }).click();
    await expect(manager.getByText("The player joined the team.")).toBeVisible({ timeout: 20_000 });
    const roleId = await teamRoleId();
    expect((await personaState("freeagent2")).roles.sort()).toEqual([roles.updatedProfile, roles.player, roleId].sort());

    await joiner.reload();
    await expect(joiner.locator('[data-view="player"]')).toBeVisible();
    await expect(joiner.getByText(teamName).first()).toBeVisible();
  });

  await test.step("a non-admin gets a 404 for the admin area", async () => {
    const response = await joiner.goto("/admin");
    expect(response?.status()).toBe(404);
    await joiner.goto("/");
  });

  await test.step("the player leaves and is a free agent again", async () => {
    await joiner.getByRole("button", { name: "Leave team" }).click();
    // After the spec's emulator resets the mirror may still wait out Discord's 30 s limit on all-members requests before it sees the change.
    await expect(joiner.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 45_000 });
    // The live mirror may switch the view as soon as the team roles are gone, before the action
    // has given the free-agent role back: Discord's state is checked once the action is over.
    await expect.poll(async () => (await personaState("freeagent2")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.freeAgent].sort());
  });

  await test.step("an admin disbands the team from the admin area", async () => {
    const admin = await as(browser, "admin");
    await admin.getByRole("link", { name: /admin area/i }).click();
    await expect(admin.locator('[data-view="admin"]')).toBeVisible();
    await expect(admin.getByText(/^Reachable/)).toBeVisible();
    // The panel is read at page load; the stack's Gateway leader needs a few seconds for its first member sync.
    await expect(async () => {
      await admin.reload();
      await expect(admin.getByText(/^Live: roles come from Discord's Gateway, \d+(\.\d)? s behind$/)).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000, intervals: [1_000] });
    const team = admin.getByRole("region", { name: teamName });
    await team.getByRole("button", { name: "Disband team" }).click();
    await team.getByRole("button", { name: `Yes, disband ${teamName}` }).click();
    await expect(admin.getByRole("region", { name: teamName })).toHaveCount(0, { timeout: 20_000 });
    const auditRows = admin.getByRole("table", { name: "Audit log" }).getByRole("row").filter({ hasText: teamName });
    await expect(auditRows.filter({ hasText: "team.disband" })).toHaveCount(1);
    await expect(auditRows.filter({ hasText: "team.approve" })).toHaveCount(1);
    await expect.poll(async () => (await personaState("freeagent")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.freeAgent].sort());
    expect(await guildRoleNames()).not.toContain(teamName);

    await manager.reload();
    await expect(manager.locator('[data-view="free-agent"]')).toBeVisible();
  });
});
