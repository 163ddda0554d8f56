import { expect, test, type Page } from "@playwright/test";
import { Redis } from "ioredis";
import { PERSONAS, ROLE_IDS } from "../../../emulator/fixture";
import { logInThrough, moderateRoles, startHaStack, type HaStack } from "./ha-stack";

/**
 * The production shape end to end (`npm run demo -- --ha`): Debian's nginx
 * in front of two app instances, Redis with a replica and three Sentinels,
 * every action waiting for the replica. Through nginx: the login, the
 * views, an action, a moderator's role change pushed over the live-update
 * stream, and both instances serving the requests.
 */

test.describe.configure({ mode: "serial" });

let stack: HaStack;
/** Every instance that answered a request of these tests, by its X-SAFA-Instance header. */
const instancesSeen = new Set<string>();

function personaId(username: string): string {
  const persona = PERSONAS.find((entry) => entry.username === username);
  if (!persona) throw new Error(`no persona ${username}`);
  return persona.id;
}

/** A profile as one Redis data node holds it (a replica answers reads). */
async function storedProfileOn(port: number, userId: string): Promise<string | null> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await redis.get(`safa:profile:${userId}`);
  } finally {
    redis.disconnect();
  }
}

async function rolesAnswer(page: Page): Promise<{ how: string; view: string }> {
  const response = await page.request.get("/api/roles");
  expect(response.ok()).toBe(true);
  const instance = response.headers()["x-safa-instance"];
  if (instance) instancesSeen.add(instance);
  return (await response.json()) as { how: string; view: string };
}

test.beforeAll(async () => {
  // Starting five Redis processes, two instances, two workers and nginx beside the default stack.
  test.setTimeout(300_000);
  stack = await startHaStack();
});

test.afterAll(async () => {
  test.setTimeout(60_000);
  await stack?.stop();
});

test("nginx answers for the stack and each instance names itself", async () => {
  expect(stack.instances.map(({ id }) => id).sort()).toEqual(["a", "b"]);
  for (const { id, url } of stack.instances) {
    const direct = await fetch(`${url}/api/health`);
    expect(direct.ok).toBe(true);
    expect(direct.headers.get("x-safa-instance")).toBe(id);
  }
  const proxied = await fetch(`${stack.appUrl}/api/health`);
  expect(proxied.ok).toBe(true);
  expect(proxied.headers.get("server")).toMatch(/^nginx/);
  // Any other host name is sent to the canonical one (nginx passes the Host on; the instances decide).
  const elsewhere = await fetch(`${stack.appUrl.replace("127.0.0.1", "localhost")}/`, { redirect: "manual" });
  expect(elsewhere.status).toBe(308);
  expect(elsewhere.headers.get("location")).toBe(`${stack.appUrl}/`);
});

test("the login through nginx ends on the dashboard, and the views load", async ({ browser }) => {
  test.setTimeout(120_000);
  const player = await logInThrough(browser, stack, "player", instancesSeen);
  try {
    await expect(player.locator('[data-view="player"]')).toBeVisible();
    await expect(player.getByRole("list", { name: "Roster of Lagos Lions" })).toBeVisible({ timeout: 30_000 });
  } finally {
    await player.context().close();
  }
  const manager = await logInThrough(browser, stack, "manager", instancesSeen);
  try {
    await expect(manager.locator('[data-view="team-manager"]')).toBeVisible();
  } finally {
    await manager.context().close();
  }
});

test("the newcomer's profile save goes through nginx and waits for the replica", async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await logInThrough(browser, stack, "newcomer", instancesSeen);
  try {
    await expect(page.locator('[data-view="profile-form"]')).toBeVisible({ timeout: 45_000 });
    await page.getByLabel("Gamer tag").fill("Shape_Newbie");
    await page.getByLabel("Platform").selectOption("pc");
    await page.getByLabel("EA FC ID").fill("shapenewbie");
    await page.getByLabel("Country").selectOption("NG");
    await page.getByLabel("Preferred position").selectOption("MID");
    const saved = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith("/api/profile") && response.request().method() !== "GET");
    await page.getByRole("button", { name: "Save profile" }).click();
    expect((await saved).ok()).toBe(true);
    // Acknowledged means replicated: the moment the save answers, both data nodes hold the profile.
    const stored = await Promise.all(stack.nodePorts.map((port) => storedProfileOn(port, personaId("newcomer"))));
    expect(stored).toHaveLength(2);
    for (const profile of stored) expect(profile).toContain("Shape_Newbie");
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible({ timeout: 20_000 });
  } finally {
    await page.context().close();
  }
});

test("a moderator's role change on Discord is pushed to the open tab through nginx", async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await logInThrough(browser, stack, "freeagent", instancesSeen);
  try {
    await expect(page.locator('[data-view="free-agent"]')).toBeVisible();
    // A fresh stack's mirror may still be syncing; the push comes from the live mirror.
    await expect.poll(async () => (await rolesAnswer(page)).how, { timeout: 45_000 }).toBe("live");

    // The page cannot read its roles itself from here on: the new view can only come down the stream, unbuffered.
    await page.route("**/api/roles", (route) => route.abort());
    await moderateRoles(stack, personaId("freeagent"), { add: [ROLE_IDS.player, ROLE_IDS.lagosLions], remove: [ROLE_IDS.freeAgent] });
    await expect(page.locator('[data-view="player"]')).toBeVisible({ timeout: 5_000 });
    await page.unroute("**/api/roles");
    expect(await rolesAnswer(page)).toMatchObject({ how: "live", view: "player" });
  } finally {
    await page.context().close();
  }
});

test("the browser's requests landed on both instances", () => {
  // nginx's least_conn: the open live-update stream weighs on its instance, so the next requests go to the other.
  expect([...instancesSeen].sort()).toEqual(["a", "b"]);
});
