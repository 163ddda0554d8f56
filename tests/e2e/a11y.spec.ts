import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { clearApiRateLimits, emulatorUrl, guildId, logIn, resetEmulator, roles, stackRedisUrl } from "./support";

/**
 * Accessibility end to end. Every view, the admin area, the login page and
 * the error and "Discord is busy" states are checked with axe at 1280 px and
 * at 390 px, in the light and the dark scheme: no violation of serious or
 * critical impact, and at phone width nothing wider than the screen and no
 * touch target under 44 px. Then
 * the main flows (log in, fill the profile, create a team, ask to join,
 * approve) are walked with the keyboard alone, the focus ring visible on
 * every control reached.
 */

test.beforeEach(async () => {
  await resetEmulator();
  // Each view logs in and reloads four times; the per-address limits are attacker.spec's subject.
  clearApiRateLimits();
});

const widths = [1280, 390] as const;
const schemes = ["light", "dark"] as const;

type Check = {
  /** Waits for what the check is about, after each reload (a view, errors shown...). */
  ready: (page: Page) => Promise<void>;
  /** Reload before each width and scheme (the server renders the page afresh); off where the page must not change. */
  reload?: boolean;
};

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious, where).toEqual([]);
}

/**
 * At phone width every control a thumb aims at is at least 44 by 44 px:
 * buttons, links that stand on their own, fields, summaries, and the label
 * of a checkbox (the checkbox itself is small; its label is the target).
 * Links inside a sentence are part of the text and exempt, as WCAG has it.
 */
async function expectTouchTargets(page: Page, where: string): Promise<void> {
  const small = await page.evaluate(() => {
    const controls = [...document.querySelectorAll<HTMLElement>("button, a[href], input:not([type=hidden]), select, textarea, summary")];
    return controls.flatMap((control) => {
      if (!control.checkVisibility()) return [];
      if (control instanceof HTMLAnchorElement && getComputedStyle(control).display === "inline") return [];
      const target = control instanceof HTMLInputElement && (control.type === "checkbox" || control.type === "radio") ? (control.closest("label") ?? control) : control;
      const { width, height } = target.getBoundingClientRect();
      return width >= 44 && height >= 44 ? [] : [`${target.tagName.toLowerCase()} "${(target.textContent ?? "").trim().slice(0, 40) || control.getAttribute("name") || ""}" ${Math.round(width)}x${Math.round(height)}`];
    });
  });
  expect(small, `${where}: touch targets under 44 px`).toEqual([]);
}

/** The page in every width and scheme: axe finds nothing serious, and at phone width nothing scrolls sideways. */
async function checkEverywhere(page: Page, what: string, check: Check): Promise<void> {
  for (const width of widths) {
    for (const colorScheme of schemes) {
      const where = `${what} at ${width} px, ${colorScheme}`;
      // Reduced motion: no colour transition or pulsing skeleton is caught halfway by the contrast check.
      await page.emulateMedia({ colorScheme, reducedMotion: "reduce" });
      await page.setViewportSize({ width, height: 900 });
      if (check.reload !== false) await page.reload();
      await check.ready(page);
      await expect(page.locator("[data-skeleton]")).toHaveCount(0, { timeout: 15_000 });
      await expectNoSeriousViolations(page, where);
      if (width === 390) {
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${where}: page width`).toBeLessThanOrEqual(390);
        await expectTouchTargets(page, where);
      }
    }
  }
}

const showing = (what: (page: Page) => Locator) => async (page: Page) => {
  await expect(what(page)).toBeVisible({ timeout: 20_000 });
};

const viewVisible = (view: string) => showing((page) => page.locator(`[data-view="${view}"]`));

test("the login page and its error state", async ({ page }) => {
  await page.goto("/");
  await checkEverywhere(page, "login", { ready: showing((target) => target.getByRole("button", { name: "Log in with Discord" })) });
  await page.goto("/?error=OAuthCallback");
  await checkEverywhere(page, "login error", { ready: showing((target) => target.getByRole("alert").filter({ hasText: "Discord did not complete the login" })) });
});

test("the emulator's authorize page", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("button", { name: "Log in with Discord" }).click();
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
  await checkEverywhere(page, "authorize page", { ready: showing((target) => target.getByRole("button", { name: "freeagent", exact: true })) });
});

const views = [
  ["outsider", "join-server"],
  ["freeagent", "free-agent"],
  ["manager", "team-manager"],
  ["player", "player"],
] as const;

for (const [persona, view] of views) {
  test(`the ${view} view`, async ({ page }) => {
    await logIn(page, persona);
    await checkEverywhere(page, view, { ready: viewVisible(view) });
  });
}

test("the profile form with its errors shown", async ({ page }) => {
  await logIn(page, "newcomer");
  await checkEverywhere(page, "profile form with errors", {
    ready: async (target) => {
      await viewVisible("profile-form")(target);
      await target.getByLabel("Gamer tag").fill("x<");
      await target.getByRole("button", { name: "Save profile" }).click();
      await expect(target.getByText("Choose your platform.")).toBeVisible();
    },
  });
});

test("the admin area, the pool and a team's page", async ({ page }) => {
  await logIn(page, "admin");
  await page.goto("/admin");
  await checkEverywhere(page, "admin area", { ready: viewVisible("admin") });
  await page.goto("/pool");
  await checkEverywhere(page, "pool", { ready: showing((target) => target.getByRole("heading", { name: "Free-agent pool" })) });
  await page.goto("/");
  const teams = (await (await page.request.get("/api/teams")).json()) as { teams: { id: string }[] };
  const team = teams.teams[0];
  expect(team).toBeDefined();
  await page.goto(`/teams/${team?.id ?? ""}`);
  await checkEverywhere(page, "team page", { ready: showing((target) => target.getByRole("heading", { name: "Roster" })) });
});

/** The stack's Gateway mirror status hash (lib/gateway/keys.ts). */
const mirrorStatusKey = `safa:gateway:${guildId}:status`;

function redis(...args: string[]): string {
  return execFileSync("redis-cli", ["-u", stackRedisUrl(), ...args], { encoding: "utf8" }).trim();
}

async function control(method: "POST", path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${emulatorUrl}/__emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok).toBe(true);
  return response;
}

/**
 * "Discord is busy": the mirror is not live, the member's roles were never
 * read, and Discord answers the lookup with a 429. The member's own bucket
 * is spent first with a token of theirs (buckets belong to the user), so
 * the wait Discord names is close to a minute: the page counts it down and
 * reloads itself only after the checks.
 */
test("the 'Discord is busy' state", async ({ page }) => {
  test.setTimeout(120_000);
  // The reset ended the Gateway session: wait for the leader's beat on its new connection, so its resume cannot finish a resync over ours.
  const resetAt = Date.now();
  await expect.poll(() => Number(redis("HGET", mirrorStatusKey, "heartbeatAt")), { timeout: 30_000 }).toBeGreaterThan(resetAt + 500);
  redis("HSET", mirrorStatusKey, "resync", "running");
  try {
    const member = (await (await control("POST", "users", { username: `busy_${randomBytes(4).toString("hex")}`, roles: [roles.updatedProfile, roles.freeAgent], member: true })).json()) as { id: string };
    // The mirror still applies the member's arrival (it only stopped answering): forget the roles it cached, so none were ever read.
    const cacheKey = `discord_roles_${guildId}_${member.id}`;
    for (let wait = 0; wait < 50 && redis("EXISTS", cacheKey) !== "1"; wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    redis("DEL", cacheKey);
    const { access_token: token } = (await (await control("POST", "tokens", { user_id: member.id })).json()) as { access_token: string };
    let status = 0;
    for (let call = 0; call < 20 && status !== 429; call += 1) {
      status = (await fetch(`${emulatorUrl}/api/v10/users/@me/guilds/${guildId}/member`, { headers: { Authorization: `Bearer ${token}` } })).status;
    }
    expect(status).toBe(429);

    await page.goto("/");
    await page.getByRole("button", { name: "Log in with Discord" }).click();
    await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
    // The authorize page lists the fixture's personas only: the new member's id goes through a persona's form.
    const button = page.locator('button[name="user_id"]').first();
    await button.evaluate((element, id) => element.setAttribute("value", id), member.id);
    await button.click();
    await viewVisible("discord-busy")(page);
    await expect(page.getByRole("status")).toContainText(/Trying again in \d{2} s/);
    await checkEverywhere(page, "Discord is busy", { ready: viewVisible("discord-busy"), reload: false });
  } finally {
    redis("HSET", mirrorStatusKey, "resync", "done");
  }
});

// --- The keyboard alone -------------------------------------------------------------------------

/** Presses Tab until `target` has the focus (as a person would), then checks the focus can be seen. */
async function tabTo(page: Page, target: Locator, limit = 80): Promise<void> {
  await target.waitFor();
  for (let presses = 0; presses <= limit; presses += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) {
      await expectFocusVisible(target);
      return;
    }
    await page.keyboard.press("Tab");
  }
  throw new Error(`${limit} presses of Tab never reached ${target.toString()}`);
}

/** A focus ring: an outline on the element, or on the overlay that makes a whole row its target (the authorize page's personas). */
async function expectFocusVisible(target: Locator): Promise<void> {
  const ring = await target.evaluate((element) => {
    const own = getComputedStyle(element);
    const overlay = getComputedStyle(element, "::after");
    const width = (style: CSSStyleDeclaration) => (style.outlineStyle === "none" ? 0 : Number.parseFloat(style.outlineWidth));
    return Math.max(width(own), width(overlay));
  });
  expect(ring, `focus ring on ${target.toString()}`).toBeGreaterThanOrEqual(2);
}

async function logInWithKeyboard(browser: Browser, persona: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/");
  await tabTo(page, page.getByRole("button", { name: "Log in with Discord" }));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => url.href.startsWith(emulatorUrl));
  await tabTo(page, page.getByRole("button", { name: persona, exact: true }));
  await page.keyboard.press("Enter");
  await page.waitForURL((url) => !url.href.startsWith(emulatorUrl) && !url.pathname.startsWith("/api/auth"));
  return page;
}

/** Teams an earlier run left behind (not the fixture's Lagos Lions) are disbanded through the API as admin. */
async function disbandLeftovers(browser: Browser): Promise<void> {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, "admin");
  const list = (await (await page.request.get("/api/teams")).json()) as { teams: { id: string; name: string }[] };
  const origin = new URL(page.url()).origin;
  for (const team of list.teams.filter((entry) => entry.name !== "Lagos Lions")) {
    await page.request.post("/api/teams/disband", { data: { teamId: team.id }, headers: { origin } });
  }
  await page.context().close();
}

test("the main flows with the keyboard alone: log in, fill the profile, create a team, ask to join, approve", async ({ browser }) => {
  test.setTimeout(240_000);
  const teamName = `Keys ${Date.now().toString().slice(-6)}`;
  await disbandLeftovers(browser);
  await resetEmulator();
  try {
    await test.step("a newcomer logs in and fills the profile", async () => {
      const page = await logInWithKeyboard(browser, "newcomer");
      await viewVisible("profile-form")(page);
      // In the form's own order, each field reached from the one before with Tab.
      for (const [label, typed, value] of [
        ["Gamer tag", "Keys_Only", "Keys_Only"],
        ["Platform", "Xbox", "xbox"],
        ["EA FC ID", "keys.only", "keys.only"],
        ["Country", "Nigeria", "NG"],
        ["Preferred position", "Midfielder", "MID"],
      ] as const) {
        const field = page.getByLabel(label);
        await tabTo(page, field);
        // A focused, closed select picks the option whose text is typed.
        await page.keyboard.type(typed);
        await expect(field).toHaveValue(value);
      }
      await tabTo(page, page.getByRole("button", { name: "Save profile" }));
      await page.keyboard.press("Enter");
      await viewVisible("free-agent")(page);
      await page.context().close();
    });

    const manager = await logInWithKeyboard(browser, "freeagent");
    await test.step("a free agent creates a team", async () => {
      await viewVisible("free-agent")(manager);
      await tabTo(manager, manager.getByLabel("Team name"));
      await manager.keyboard.type(teamName);
      await tabTo(manager, manager.getByLabel("Short tag"));
      await manager.keyboard.type("KY");
      await tabTo(manager, manager.getByRole("button", { name: "Create team" }));
      await manager.keyboard.press("Enter");
      await viewVisible("team-manager")(manager);
    });

    await test.step("another free agent asks to join, with the space bar", async () => {
      const joiner = await logInWithKeyboard(browser, "freeagent2");
      await viewVisible("free-agent")(joiner);
      await tabTo(joiner, joiner.getByRole("button", { name: `Ask to join ${teamName}` }), 120);
      await joiner.keyboard.press("Space");
      await expect(joiner.getByText(`Request sent to ${teamName}.`)).toBeVisible({ timeout: 20_000 });
      await joiner.context().close();
    });

    await test.step("the manager approves", async () => {
      await manager.reload();
      await tabTo(manager, manager.getByRole("button", { name: /^Approve / }), 120);
      await manager.keyboard.press("Enter");
      await expect(manager.getByText("The player joined the team.")).toBeVisible({ timeout: 20_000 });
      await manager.context().close();
    });
  } finally {
    await disbandLeftovers(browser);
  }
});
