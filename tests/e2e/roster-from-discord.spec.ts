import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { emulatorUrl, logIn, roles, stackRedisUrl } from "./support";

/**
 * Teams follow Discord end to end: the stack's Gateway workers put a member
 * given the Lagos Lions role on Discord on its roster, though they have
 * never logged in, and the manager's open page shows them through the
 * live-update stream. The member is a synthetic user of this spec's own,
 * and loses the role again at the end, so the other specs find the
 * fixture's roster.
 */

type Created = { id: string; username: string };

async function control(method: "POST" | "DELETE", path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${emulatorUrl}/__emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.ok).toBe(true);
  return response;
}

test("the manager's roster lists a player given the team role on Discord who has never logged in", async ({ page }) => {
  test.setTimeout(150_000);
  // Forget the name an earlier action remembered: logging in alone must name the manager.
  execFileSync("redis-cli", ["-u", stackRedisUrl(), "HDEL", "safa:user-names", "1200000000000000004"]);
  await logIn(page, "manager");
  await expect(page.locator('[data-view="team-manager"]')).toBeVisible();
  const roster = page.getByRole("list", { name: "Roster of Lagos Lions" });
  await expect(roster).toBeVisible();
  // The manager never acted here, but logged in: the roster names them as Discord does (display name, then username).
  await expect(roster.getByRole("listitem").first()).toContainText(/^Manager/);
  await expect(roster.getByText("Member …0004")).toHaveCount(0);

  const username = `discord_${randomBytes(4).toString("hex")}`;
  const member = (await (await control("POST", "users", { username, roles: [roles.updatedProfile, roles.player, roles.lagosLions], member: true })).json()) as Created;
  // Rosters name someone the dashboard has never seen as the Gateway mirror knows them: this user has no display name, so by username.
  const line = roster.getByText(username, { exact: true });
  try {
    // After the previous spec's emulator reset the mirror may still wait out Discord's 30 s limit on all-members requests.
    await expect(line).toBeVisible({ timeout: 45_000 });
  } finally {
    await control("POST", `members/${member.id}/roles`, { remove: [roles.lagosLions, roles.player] });
  }
  await expect(line).toBeHidden({ timeout: 45_000 });
  await control("DELETE", `members/${member.id}`);
});
