import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import type { TeamContext } from "@/lib/teams/context";
import { createPoolStore } from "./store";

/** The state of the caller's own "looking for a team" switch, for their dashboard. */
export async function isLooking(context: TeamContext, user: SessionActor): Promise<{ looking: boolean }> {
  return { looking: await createPoolStore(context.redis, context.keys).isLooking(user.id) };
}
