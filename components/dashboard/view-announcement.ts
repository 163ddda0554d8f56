import type { DashboardView } from "@/lib/roles/answer";

/** Each view in a few words, as its heading says it. */
const viewWords: Record<DashboardView, string> = {
  "join-server": "you're not in the SAFA server yet",
  "profile-form": "complete your player profile",
  "free-agent": "you're a free agent",
  "team-manager": "you manage your team",
  player: "you play for your team",
};

/**
 * What a screen reader hears when the dashboard switches view by itself
 * (roles changed on Discord, or an action here changed them): the new page
 * replaces the old one where the user was, so it is said in words.
 */
export function viewChangeAnnouncement(view: DashboardView): string {
  return `Your dashboard changed: ${viewWords[view]}.`;
}
