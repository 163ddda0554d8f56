/*
 * Teams follow Discord: the Gateway worker's mirror drives the teams and
 * their rosters. A team role given or taken on Discord puts its holder on
 * or off the roster, a team role deleted there disbands its team, the team
 * manager role held with a team role makes the manager, and each resync
 * reconciles every team. Changes the dashboard did not make are audited as
 * made on Discord.
 */
export { createFollowContext, type FollowContext } from "./context";
export { createDiscordFollower, type DiscordFollower } from "./follower";
export { reconcileAll } from "./reconcile";
export { syncMember } from "./sync-member";
