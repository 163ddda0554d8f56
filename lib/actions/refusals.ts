import type { ErrorCode } from "@/lib/api/errors";

/**
 * Every refusal word our Lua scripts answer (commit scripts, the join
 * request, marking a team role), and the API error code each becomes: the
 * one place they are mapped, so a refusal found by a script has the same
 * code as the same refusal found in TypeScript before it.
 */
export const scriptRefusalCodes = {
  "lost-lock": "lost_lock",
  "name-taken": "name_taken",
  "tag-taken": "tag_taken",
  "gamer-tag-taken": "gamer_tag_taken",
  "ea-fc-id-taken": "ea_fc_id_taken",
  "in-team": "in_team",
  gone: "team_not_found",
  "no-request": "no_request",
  "no-offer": "no_offer",
  "offer-expired": "offer_expired",
  "not-looking": "not_looking",
  "too-many-offers": "too_many_offers",
  full: "full",
  "not-member": "not_member",
  "is-manager": "is_manager",
  "change-limit": "change_limit_reached",
  "window-closed": "window_closed",
  "roster-locked": "roster_locked",
  "not-manager": "manager_changed",
  "too-many": "too_many_requests",
  disbanded: "disbanded",
} as const satisfies Record<string, ErrorCode>;

export type ScriptRefusal = keyof typeof scriptRefusalCodes;
