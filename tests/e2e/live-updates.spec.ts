import { expect, test, type Browser, type Page } from "@playwright/test";
import { logIn, metricsToken, personaState, resetEmulator, roles } from "./support";

/**
 * Live updates end to end: two people in two browsers, and the change one
 * makes shows on the other's open page through `GET /api/events`, with no
 * focus, no reload and no roles request of its own.
 */

const teamName = "Lagos Lions";
/** How freeagent2 is named on rosters and requests: their Discord name at their last action. */
const joinerName = /^(freeagent2|Free Agent 2)/;
const approveJoiner = /^Approve (freeagent2|Free Agent 2)$/;

/** A signed-in page whose live-update stream has been answered: changes made from now on reach it through the stream. */
async function as(browser: Browser, persona: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const streamOpened = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/events", { timeout: 30_000 });
  await logIn(page, persona);
  await streamOpened;
  return page;
}

/**
 * The e2e Redis keeps its data between runs and specs: whatever this or an
 * earlier, interrupted run left of freeagent2 (on a team, or asking to join
 * one) is undone through the API, so the other specs find the fixture's
 * state. (Resetting the emulator would also end every login it issued.)
 */
async function freeFreeagent2(page: Page): Promise<void> {
  const origin = new URL(page.url()).origin;
  const mine = await page.request.get("/api/teams/mine");
  expect(mine.ok()).toBe(true);
  const { viewerId, team } = (await mine.json()) as { viewerId: string; team: { id: string } | null };
  if (team) expect((await page.request.delete("/api/teams/members", { data: { teamId: team.id, userId: viewerId }, headers: { origin } })).ok()).toBe(true);
  const list = await page.request.get("/api/teams");
  expect(list.ok()).toBe(true);
  const { teams } = (await list.json()) as { teams: { id: string; requested: boolean }[] };
  for (const asked of teams.filter((entry) => entry.requested)) {
    expect((await page.request.delete("/api/teams/requests", { data: { teamId: asked.id }, headers: { origin } })).ok()).toBe(true);
  }
}

/** The app's count of open live-update streams, from its metrics. */
async function openStreams(page: Page): Promise<number> {
  const text = await (await page.request.get("/api/metrics", { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  const line = text.split("\n").find((entry) => entry.startsWith("safa_event_streams_open "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

test("an approval shows on the player's open page without a focus or a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  await resetEmulator();
  const cleaner = await as(browser, "freeagent2");
  await freeFreeagent2(cleaner);
  await cleaner.context().close();
  const joiner = await as(browser, "freeagent2");
  try {
    await expect(joiner.locator('[data-view="free-agent"]')).toBeVisible();

    const manager = await as(browser, "manager");
    await expect(manager.locator('[data-view="team-manager"]')).toBeVisible();

    await test.step("the request shows on the manager's open page", async () => {
      // Nor can the manager's page read its team itself: the request can only come from the stream.
      await manager.route("**/api/teams/mine", (route) => route.abort());
      await joiner.getByRole("button", { name: `Ask to join ${teamName}` }).click();
      await expect(joiner.getByText(`Request sent to ${teamName}.`)).toBeVisible();
      await expect(manager.getByRole("button", { name: approveJoiner })).toBeVisible({ timeout: 10_000 });
      await manager.unroute("**/api/teams/mine");
    });

    await test.step("the approval switches the player's page to the player view", async () => {
      // The joiner's page cannot read its roles itself from here on: the new view can only come from the stream.
      await joiner.route("**/api/roles", (route) => route.abort());
      await manager.getByRole("button", { name: approveJoiner }).click();
      await expect(manager.getByText("The player joined the team.")).toBeVisible({ timeout: 20_000 });
      await expect(joiner.locator('[data-view="player"]')).toBeVisible({ timeout: 10_000 });
      await expect(joiner.getByRole("list", { name: `Roster of ${teamName}` }).getByText(joinerName)).toBeVisible();
      await joiner.unroute("**/api/roles");
      expect((await personaState("freeagent2")).roles).toContain(roles.player);
    });

    await test.step("closing a tab closes its stream on the server", async () => {
      const withBoth = await openStreams(joiner);
      expect(withBoth).toBeGreaterThanOrEqual(2);
      await manager.context().close();
      await expect.poll(() => openStreams(joiner), { timeout: 10_000 }).toBe(withBoth - 1);
    });
  } finally {
    await freeFreeagent2(joiner);
    await joiner.context().close();
    await resetEmulator();
  }
});

test("a change made while the page is still opening its stream shows without a focus or a reload", async ({ browser }) => {
  test.setTimeout(120_000);
  const joiner = await as(browser, "freeagent2");
  await freeFreeagent2(joiner);
  const context = await browser.newContext();
  const manager = await context.newPage();
  try {
    // The manager's page reads its team, but its stream opens only after the request is made.
    let openStream: () => void = () => undefined;
    const streamHeld = new Promise<void>((resolve) => (openStream = resolve));
    await manager.route("**/api/events", async (route) => {
      await streamHeld;
      await route.continue();
    });
    await logIn(manager, "manager");
    await expect(manager.locator('[data-view="team-manager"]')).toBeVisible();
    await expect(manager.getByRole("list", { name: `Roster of ${teamName}` })).toBeVisible();
    await expect(manager.getByRole("button", { name: approveJoiner })).toHaveCount(0);
    await manager.route("**/api/teams/mine", (route) => route.abort());

    await joiner.getByRole("button", { name: `Ask to join ${teamName}` }).click();
    await expect(joiner.getByText(`Request sent to ${teamName}.`)).toBeVisible();
    const streamAnswered = manager.waitForResponse((response) => new URL(response.url()).pathname === "/api/events");
    openStream();
    await streamAnswered;
    // The request's notice came before the stream's start: only the data the stream starts from can bring it.
    await expect(manager.getByRole("button", { name: approveJoiner })).toBeVisible({ timeout: 15_000 });
  } finally {
    await context.close();
    await freeFreeagent2(joiner);
    await joiner.context().close();
  }
});
