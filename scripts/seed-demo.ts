/**
 * Marks the demo's team roles as teams, as a tournament admin would in the
 * admin area: the emulator's fixture has "Lagos Lions", made on Discord
 * before the dashboard, which the dashboard otherwise never treats as a team.
 * Each role is judged like any other (no permission, below the bot, ...).
 *
 * Run once the app's Redis and Discord (the emulator) are up, with the app's
 * environment, under the react-server condition the lib modules require:
 *
 *   npx tsx --conditions=react-server scripts/seed-demo.ts
 *
 * Marking twice changes nothing, so every start of the demo may run it.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ROLE_IDS } from "../emulator/fixture";
import type { ActionResult } from "../lib/api/answer";
import type { TeamContext } from "../lib/teams/context";
import { markTeamRole, type Marker } from "../lib/teams/mark-team-role";

/** The fixture's teams made on Discord. */
export const demoTeamRoleIds: readonly string[] = [ROLE_IDS.lagosLions];

/** The audit log names the seed as the one who marked them. */
export const demoSeeder: Marker = { id: "0", name: "demo seed" };

export async function seedDemoTeams(context: TeamContext): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const roleId of demoTeamRoleIds) results.push(await markTeamRole(context, demoSeeder, roleId));
  return results;
}

async function main(): Promise<void> {
  const { getTeamContext } = await import("../lib/teams/index");
  const { waitUntilReady } = await import("../lib/redis/connection");
  const context = getTeamContext();
  // The connection queues nothing while it connects (as in the app): wait for it first.
  if (!(await waitUntilReady(context.redis, 10_000))) throw new Error("Redis did not answer within 10 s");
  for (const result of await seedDemoTeams(context)) console.log(`seed: ${result.message}`);
  context.redis.disconnect();
}

const runAsCommand = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runAsCommand) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`seed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
