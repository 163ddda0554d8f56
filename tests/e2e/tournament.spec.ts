import { expect, test, type Browser, type Page } from "@playwright/test";
import { CHANNEL_IDS } from "../../emulator/fixture";
import { emulatorUrl, logIn, personaState, resetEmulator, roles } from "./support";

/**
 * Tournament operations end to end: the transfer window refuses a move with
 * its reason, an offer made from the free-agent pool is accepted by the
 * player, the move is announced once in the transactions channel, and the
 * team page shows it.
 */

const lagosLions = roles.lagosLions;

async function as(browser: Browser, persona: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, persona);
  return page;
}

const originOf = (page: Page) => ({ origin: new URL(page.url()).origin });

type ChannelMessage = { id: string; content: string };

async function channelMessages(): Promise<ChannelMessage[]> {
  const answer = await fetch(`${emulatorUrl}/__emulator/channels/${CHANNEL_IDS.transactions}/messages`);
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { messages: ChannelMessage[] }).messages;
}

/** Whatever an interrupted earlier run left: the window closed, a player still on the team, an open request or offer. */
async function startClean(admin: Page, freeagent: Page, freeagent3: Page): Promise<void> {
  expect((await admin.request.post("/api/admin/transfer-window", { data: { change: "open" }, headers: originOf(admin) })).status()).toBeLessThan(300);
  await admin.request.delete("/api/admin/roster-locks", { data: {}, headers: originOf(admin) });
  await freeagent.request.delete("/api/teams/requests", { data: { teamId: lagosLions }, headers: originOf(freeagent) });
  await freeagent3.request.post("/api/offers/decline", { data: { teamId: lagosLions }, headers: originOf(freeagent3) });
}

test("the window refuses a move with its reason; an offer from the pool is accepted, announced once, and on the team page", async ({ browser }) => {
  test.setTimeout(240_000);
  await resetEmulator();
  const admin = await as(browser, "admin");
  const freeagent = await as(browser, "freeagent");
  const freeagent3 = await as(browser, "freeagent3");
  await startClean(admin, freeagent, freeagent3);
  const manager = await as(browser, "manager");

  await test.step("an admin closes the window from the admin area", async () => {
    await admin.goto("/admin");
    await admin.getByRole("button", { name: "Close now" }).click();
    await expect(admin.locator("[data-transfer-admin] [data-transfer-window]")).toHaveAttribute("data-transfer-window", "closed", { timeout: 20_000 });
  });

  await test.step("a free agent may still ask to join, but the manager's approval is refused with the reason", async () => {
    await freeagent.goto("/");
    await freeagent.getByRole("button", { name: "Ask to join Lagos Lions" }).click();
    await expect(freeagent.getByText("Request sent to Lagos Lions.")).toBeVisible({ timeout: 20_000 });
    await manager.goto("/");
    await expect(manager.locator("[data-transfer-window]").first()).toHaveAttribute("data-transfer-window", "closed");
    await manager.getByRole("button", { name: /^Approve (freeagent|Free Agent)$/ }).click();
    await expect(manager.getByText(/The transfer window is closed .*must wait\./).first()).toBeVisible({ timeout: 20_000 });
    expect((await personaState("freeagent")).roles).not.toContain(lagosLions);
  });

  await test.step("the admin opens the window again", async () => {
    await admin.getByRole("button", { name: "Open now" }).click();
    await expect(admin.locator("[data-transfer-admin] [data-transfer-window]")).toHaveAttribute("data-transfer-window", "open", { timeout: 20_000 });
    await freeagent.request.delete("/api/teams/requests", { data: { teamId: lagosLions }, headers: originOf(freeagent) });
  });

  const before = (await channelMessages()).length;
  const freeagent3Id = (await personaState("freeagent3")).id;

  await test.step("a free agent with a profile switches 'looking for a team' on", async () => {
    const saved = await freeagent3.request.post("/api/profile", {
      data: { gamerTag: "Pool_Three", platform: "xbox", eaFcId: "poolthree", country: "NG", position: "DEF" },
      headers: originOf(freeagent3),
    });
    expect(saved.status()).toBeLessThan(300);
    await freeagent3.goto("/");
    const looking = freeagent3.getByRole("switch", { name: "Looking for a team" });
    if (!(await looking.isChecked())) await looking.click();
    await expect(looking).toBeChecked({ timeout: 20_000 });
  });

  await test.step("the manager finds them in the pool and offers a place", async () => {
    await manager.goto("/pool");
    await manager.getByLabel("Search by gamer tag or name").fill("Pool_Three");
    await manager.getByRole("button", { name: "Search", exact: true }).click();
    await manager.getByRole("button", { name: "Offer a place to Pool_Three" }).click();
    await expect(manager.getByRole("button", { name: "Withdraw the offer to Pool_Three" })).toBeVisible({ timeout: 20_000 });
  });

  await test.step("the player sees the offer on their dashboard and accepts it: the join itself", async () => {
    await freeagent3.goto("/");
    await freeagent3.getByRole("button", { name: "Accept the offer from Lagos Lions" }).click();
    await expect(freeagent3.locator('[data-view="player"]')).toBeVisible({ timeout: 30_000 });
    await expect.poll(async () => (await personaState("freeagent3")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.player, lagosLions].sort());
  });

  await test.step("the move is posted in the transactions channel, once", async () => {
    const mentioning = async () => (await channelMessages()).slice(before).filter((message) => message.content.includes(`<@${freeagent3Id}>`));
    await expect.poll(async () => (await mentioning()).length, { timeout: 30_000 }).toBe(1);
    const [posted] = await mentioning();
    expect(posted?.content).toMatch(/Lagos Lions.*signed/);
    // The drainer has moved on: nothing else arrives for this move.
    await freeagent3.waitForTimeout(2_000);
    expect(await mentioning()).toHaveLength(1);
  });

  await test.step("the team page shows the player on the roster and the move in its history", async () => {
    await manager.goto(`/teams/${lagosLions}`);
    await expect(manager.getByRole("heading", { name: /Lagos Lions/ }).first()).toBeVisible();
    await expect(manager.getByText("Pool_Three").first()).toBeVisible();
    await expect(manager.getByText("joined (accepted an offer)").first()).toBeVisible();
  });

  await test.step("the player leaves again, so the fixture's free agent is free for the other specs", async () => {
    await freeagent3.getByRole("button", { name: "Leave team" }).click();
    await expect.poll(async () => (await personaState("freeagent3")).roles.sort(), { timeout: 20_000 }).toEqual([roles.updatedProfile, roles.freeAgent].sort());
  });

  for (const page of [admin, freeagent, freeagent3, manager]) await page.context().close();
});
