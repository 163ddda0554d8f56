import { expect, test, type Locator } from "@playwright/test";
import { emulatorUrl, logIn } from "./support";

/**
 * Discord identity on the page: the header and the manager's roster show
 * each member's Discord display name and avatar, the images served by the
 * emulator (the stack's DISCORD_CDN_BASE) and allowed by the CSP.
 */

/** An avatar that actually loaded: an image with pixels, from the configured CDN. */
async function expectLoadedAvatar(avatar: Locator): Promise<void> {
  await avatar.scrollIntoViewIfNeeded();
  await expect(avatar).toBeVisible();
  await expect.poll(() => avatar.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0), { timeout: 10_000 }).toBe(true);
  expect(new URL((await avatar.getAttribute("src")) ?? "").origin).toBe(new URL(emulatorUrl).origin);
}

test("the header and the roster show Discord display names and avatars", async ({ page }) => {
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  await logIn(page, "manager");
  await expect(page.locator('[data-view="team-manager"]')).toBeVisible();

  const header = page.getByRole("navigation", { name: "Account" });
  await expect(header).toContainText("Manager");
  await expectLoadedAvatar(header.locator("img[data-avatar]"));

  const roster = page.getByRole("list", { name: "Roster of Lagos Lions" });
  await expect(roster).toBeVisible();
  const lines = roster.getByRole("listitem");
  await expect(lines.filter({ hasText: "Manager" }).first()).toBeVisible();
  // The player has never logged in during this run's spec: named from Discord (the Gateway mirror), not "Member …0005".
  await expect(lines.filter({ hasText: "Player" }).first()).toBeVisible({ timeout: 15_000 });
  await expect(roster.getByText(/^Member …/)).toHaveCount(0);
  const count = await lines.count();
  expect(count).toBeGreaterThanOrEqual(2);
  for (let index = 0; index < count; index += 1) {
    const avatar = lines.nth(index).locator("img[data-avatar]");
    await expect(avatar).toHaveAttribute("alt", "");
    await expectLoadedAvatar(avatar);
  }
  expect(blocked).toEqual([]);
});
