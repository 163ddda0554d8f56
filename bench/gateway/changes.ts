import { performance } from "node:perf_hooks";
import { fixture } from "../shared/fixture";
import { controlCall } from "../shared/http";

/** Who made a role change: a moderator in the Discord client (control API) or the bot through REST. */
export type ChangeSource = "moderator" | "bot";

/** One role change as the emulator confirmed it. */
export type RoleChange = {
  userId: string;
  source: ChangeSource;
  /** Whether the member holds the toggled role after the change. */
  hasRole: boolean;
  /** performance.now() when the request left and when the emulator's answer came back. */
  sentAt: number;
  answeredAt: number;
};

/** The role every change toggles: one the bot may give and take (below its own), that nothing else touches. */
export const toggledRole = fixture.roles.player;

/** A moderator adds or removes the role in the Discord client: one GUILD_MEMBER_UPDATE. */
async function moderatorToggle(emulatorUrl: string, userId: string, give: boolean): Promise<void> {
  await controlCall(`${emulatorUrl}/__emulator/members/${userId}/roles`, give ? { add: [toggledRole] } : { remove: [toggledRole] });
}

/**
 * The bot adds or removes the role through REST (PUT/DELETE member role), as
 * the app's actions do. Returns false when the route's bucket refused (429):
 * the caller makes that change another way.
 */
async function botToggle(emulatorUrl: string, userId: string, give: boolean): Promise<boolean> {
  const response = await fetch(`${emulatorUrl}/api/v10/guilds/${fixture.guildId}/members/${userId}/roles/${toggledRole}`, {
    method: give ? "PUT" : "DELETE",
    headers: { Authorization: `Bot ${fixture.botToken}`, "X-Audit-Log-Reason": "bench" },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  if (response.status === 429) return false;
  if (response.status !== 204) throw new Error(`the bot's role change for ${userId} answered ${response.status}`);
  return true;
}

/**
 * Toggles the role for `userId`, by the bot when `source` says so and its
 * bucket has room, else by a moderator. `holds` is what the member holds now.
 */
export async function toggleRole(emulatorUrl: string, userId: string, holds: boolean, source: ChangeSource): Promise<RoleChange> {
  const give = !holds;
  if (source === "bot") {
    const sentAt = performance.now();
    if (await botToggle(emulatorUrl, userId, give)) return { userId, source, hasRole: give, sentAt, answeredAt: performance.now() };
  }
  // Timed from here: a refused bot call changed nothing.
  const sentAt = performance.now();
  await moderatorToggle(emulatorUrl, userId, give);
  return { userId, source: "moderator", hasRole: give, sentAt, answeredAt: performance.now() };
}

/**
 * The bot's member-role bucket is 10 per 10 s for the guild: one bot change
 * in this many keeps it from refusing at the rates these benches use.
 */
export function sourceOf(index: number, botEvery: number): ChangeSource {
  return index % botEvery === 0 ? "bot" : "moderator";
}
