import { randomBytes } from "node:crypto";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { emulatorStats, emulatorUrl, memberRoute, roles } from "./support";

/**
 * The Gateway mirror end to end: the stack runs its Gateway workers, so a
 * change a moderator makes on Discord reaches the member's open page
 * through the stream, with no focus, no reload and no roles request of the
 * page's own, and the role answers cost no Discord call. How fast is
 * measured by `npm run bench:propagation` (p99 17 ms), not asserted here:
 * the waits below are generous, for a loaded machine.
 *
 * Each test uses a synthetic user of its own (the emulator's authorize
 * page lists only the fixture's personas, so the login posts the new
 * user's id through a persona's form): no persona another spec relies on
 * is touched.
 */

type Created = { id: string; username: string };

async function createMember(memberRoles: string[]): Promise<Created> {
  const username = `mirror_${randomBytes(4).toString("hex")}`;
  const response = await fetch(`${emulatorUrl}/__emulator/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, roles: memberRoles, member: true }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Created;
}

async function moderate(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/__emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok).toBe(true);
}

/** The real login through the emulator's authorize page, as `userId`; returns once the dashboard's live-update stream is open. */
async function logInAs(browser: Browser, userId: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  const streamOpen = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/events" && response.ok(), { timeout: 30_000 });
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).or(page.getByRole("link", { name: "Log in with Discord" })).click();
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
  const button = page.locator('button[name="user_id"]').first();
  await button.evaluate((element, id) => element.setAttribute("value", id), userId);
  await button.click();
  await page.waitForURL((url) => !url.href.startsWith(emulatorUrl) && !url.pathname.startsWith("/api/auth"));
  await streamOpen;
  return page;
}

async function memberLookups(): Promise<number> {
  return (await emulatorStats()).routes[memberRoute]?.requests ?? 0;
}

/** The stack's mirror is live once its leader has synced; a fresh stack may still be syncing. */
async function rolesAnswer(page: Page): Promise<{ how: string; view: string }> {
  const response = await page.request.get("/api/roles");
  expect(response.ok()).toBe(true);
  return (await response.json()) as { how: string; view: string };
}

/** Takes the user off any team the player view adopted them into, so the e2e Redis keeps only the fixture's rosters. */
async function leaveAnyTeam(page: Page): Promise<void> {
  const mine = await page.request.get("/api/teams/mine");
  if (!mine.ok()) return;
  const { viewerId, team } = (await mine.json()) as { viewerId: string; team: { id: string } | null };
  if (!team) return;
  const origin = new URL(page.url()).origin;
  expect((await page.request.delete("/api/teams/members", { data: { teamId: team.id, userId: viewerId }, headers: { origin } })).ok()).toBe(true);
}

test("a moderator's roles reach the free agent's open page through the stream, without a Discord call", async ({ browser }) => {
  test.setTimeout(90_000);
  const member = await createMember([roles.updatedProfile, roles.freeAgent]);
  const page = await logInAs(browser, member.id);
  try {
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
    await expect.poll(async () => (await rolesAnswer(page)).how, { timeout: 45_000 }).toBe("live");
    const lookupsBefore = await memberLookups();

    // The page cannot read its roles itself from here on: the new view can only come from the stream.
    await page.route("**/api/roles", (route) => route.abort());
    await moderate("POST", `members/${member.id}/roles`, { add: [roles.player, roles.lagosLions], remove: [roles.freeAgent] });
    await expect(page.locator('[data-view="player"]')).toBeVisible({ timeout: 15_000 });
    await page.unroute("**/api/roles");

    expect(await rolesAnswer(page)).toMatchObject({ how: "live", view: "player" });
    expect(await memberLookups()).toBe(lookupsBefore);
  } finally {
    await leaveAnyTeam(page);
    await page.context().close();
  }
});

test("a member removed from the server is shown the join view through the stream, stays signed in, and is back on rejoining", async ({ browser }) => {
  test.setTimeout(90_000);
  const member = await createMember([roles.updatedProfile, roles.freeAgent]);
  const page = await logInAs(browser, member.id);
  let removed = false;
  try {
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
    await expect.poll(async () => (await rolesAnswer(page)).how, { timeout: 45_000 }).toBe("live");

    await page.route("**/api/roles", (route) => route.abort());
    await moderate("DELETE", `members/${member.id}`);
    removed = true;
    await expect(page.locator('[data-view="join-server"]')).toBeVisible({ timeout: 15_000 });
    await page.unroute("**/api/roles");

    // The next request too: the join view, still signed in.
    await page.reload();
    await expect(page.locator('[data-view="join-server"]')).toBeVisible();
    expect(await rolesAnswer(page)).toMatchObject({ how: "live", view: "join-server" });

    await moderate("PUT", `members/${member.id}`);
    await moderate("POST", `members/${member.id}/roles`, { add: [roles.updatedProfile, roles.freeAgent] });
    removed = false;
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 15_000 });
  } finally {
    if (removed) {
      await moderate("PUT", `members/${member.id}`);
      await moderate("POST", `members/${member.id}/roles`, { add: [roles.updatedProfile, roles.freeAgent] });
    }
    await page.context().close();
  }
});
