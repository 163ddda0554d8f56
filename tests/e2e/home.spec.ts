import { expect, test } from "@playwright/test";

test("the home page offers a Discord login", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "SAFA Dashboard" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Log in with Discord" })).toBeVisible();
});
