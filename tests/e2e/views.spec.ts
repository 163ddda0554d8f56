import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { clearApiRateLimits, emulatorStats, forgetAllDiscordTokens, guildId, logIn, memberRoute, personaState, refocus, resetEmulator, roles, setRole, stackRedisUrl } from "./support";

test.beforeEach(async () => {
  await resetEmulator();
  // These tests log in a dozen times a minute from one address; the per-address limit on
  // next-auth's routes is attacker.spec's subject, not theirs.
  clearApiRateLimits();
});

const expected = [
  ["outsider", "join-server"],
  ["newcomer", "profile-form"],
  ["freeagent", "free-agent"],
  ["manager", "team-manager"],
  ["player", "player"],
] as const;

for (const [persona, view] of expected) {
  test(`${persona} lands on the ${view} view`, async ({ page }) => {
    await logIn(page, persona);
    await expect(page.locator(`[data-view="${view}"]`)).toBeVisible();
    await expect(page.getByText(/live from discord|roles as of/i)).toBeVisible();
  });
}

test("admins get a link to the admin area", async ({ page }) => {
  await logIn(page, "admin");
  await expect(page.getByRole("link", { name: /admin area/i })).toBeVisible();
});

test("the join prompt links to the server invite", async ({ page }) => {
  await logIn(page, "outsider");
  await expect(page.getByRole("link", { name: /join/i }).first()).toHaveAttribute("href", /invite/);
  await expect(page.getByRole("button", { name: /I've joined, check again/i })).toBeVisible();
});

test("focusing the tab 20 times causes no 429 at Discord", async ({ page }) => {
  await logIn(page, "player");
  await expect(page.locator('[data-view="player"]')).toBeVisible();
  for (let focus = 0; focus < 20; focus += 1) {
    await refocus(page);
    await page.waitForTimeout(100);
  }
  await page.reload();
  await expect(page.locator('[data-view="player"]')).toBeVisible();
  const stats = await emulatorStats();
  expect(stats.routes[memberRoute]?.rateLimited ?? 0).toBe(0);
  expect(stats.rateLimited).toBe(0);
});

/** The stack's Gateway mirror status hash (lib/gateway/keys.ts). */
const mirrorStatusKey = `safa:gateway:${guildId}:status`;

function mirrorStatus(field: string): string {
  return execFileSync("redis-cli", ["-u", stackRedisUrl(), "HGET", mirrorStatusKey, field], { encoding: "utf8" }).trim();
}

/**
 * With the Gateway mirror live, a change reaches the page through the
 * stream at once (live-mirror.spec.ts). This test is about the fallback:
 * the mirror is marked as resyncing (not live) and the page's stream is
 * blocked, so only a focus and the paced path with the user's own token
 * can bring the change.
 */
test("with the mirror not live, a role changed at Discord shows up after a focus once the pacing allows", async ({ page }) => {
  test.setTimeout(90_000);
  // The reset ended the Gateway session: wait for the leader's beat on its new connection, so its resume cannot finish a resync over ours.
  const resetAt = Date.now();
  await expect.poll(() => Number(mirrorStatus("heartbeatAt")), { timeout: 30_000 }).toBeGreaterThan(resetAt + 500);
  execFileSync("redis-cli", ["-u", stackRedisUrl(), "HSET", mirrorStatusKey, "resync", "running"]);
  // The earlier tests' logins ran while the reset's resync was owed, so through the paced path: their pacing locks would hold this login's lookup back.
  const pacingLocks = execFileSync("redis-cli", ["-u", stackRedisUrl(), "--scan", "--pattern", `discord_roles_${guildId}_*_retry-after`], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (pacingLocks.length > 0) execFileSync("redis-cli", ["-u", stackRedisUrl(), "DEL", ...pacingLocks]);
  try {
    await page.route("**/api/events", (route) => route.abort());
    await logIn(page, "freeagent");
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
    expect(((await (await page.request.get("/api/roles")).json()) as { how: string }).how).not.toBe("live");
    expect((await emulatorStats()).routes[memberRoute]?.requests ?? 0).toBeGreaterThan(0);
    const freeagent = await personaState("freeagent");
    await setRole(freeagent.id, roles.freeAgent, false);
    await setRole(freeagent.id, roles.player, true);

    // Refocus now and then: the server answers from cache until its pace allows a call, then the view changes.
    await expect(async () => {
      await refocus(page);
      await expect(page.locator('[data-view="player"]')).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 40_000, intervals: [1_000] });
    await expect(page.getByText(/roles as of (just now|\d+ s ago)/i)).toBeVisible();
    expect((await emulatorStats()).rateLimited).toBe(0);
  } finally {
    execFileSync("redis-cli", ["-u", stackRedisUrl(), "HSET", mirrorStatusKey, "resync", "done"]);
  }
});

test("signing out revokes the Discord token and forgets it", async ({ page }) => {
  await logIn(page, "player");
  await expect(page.locator('[data-view="player"]')).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
  await expect.poll(async () => (await emulatorStats()).routes["POST /oauth2/token/revoke"]?.requests ?? 0).toBe(1);
  const roles = await page.request.get("/api/roles");
  expect(roles.status()).toBe(401);
  expect(await roles.json()).toMatchObject({ error: "unauthenticated" });
});

test("a login Discord no longer honours signs the user out with a message", async ({ page, context }) => {
  await logIn(page, "freeagent");
  // An earlier test left freeagent's cached roles those of a player; after the reset the mirror's resync, or the next paced lookup, corrects them.
  await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 30_000 });
  // What a refused refresh or a revocation leaves behind: the session's Discord tokens are gone.
  forgetAllDiscordTokens();
  await page.reload();
  await expect(page.getByText("Your Discord login expired or was revoked. Please log in again.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
  expect((await context.cookies()).some((cookie) => cookie.name.endsWith("next-auth.session-token"))).toBe(false);
});

test("a tab whose own request found the session ended still says why after a reload", async ({ page, context }) => {
  await logIn(page, "freeagent");
  await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 30_000 });
  forgetAllDiscordTokens();
  // Any request of the tab answers 401 and takes the cookie with it, before the reload asks for the page.
  const answer = await page.request.get("/api/roles");
  expect(answer.status()).toBe(401);
  expect((await context.cookies()).some((cookie) => cookie.name.endsWith("next-auth.session-token"))).toBe(false);
  await page.reload();
  await expect(page.getByText("Your Discord login expired or was revoked. Please log in again.")).toBeVisible();
  // The reason is told once: the home page afterwards is the plain login.
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
  await expect(page.getByText("Your Discord login expired or was revoked. Please log in again.")).toBeHidden();
});

test("a link from elsewhere cannot end a working session", async ({ page, context }) => {
  await logIn(page, "player");
  await page.goto("/api/session/expired");
  expect((await context.cookies()).some((cookie) => cookie.name.endsWith("next-auth.session-token"))).toBe(true);
  await page.goto("/");
  await expect(page.locator('[data-view="player"]')).toBeVisible();
});
