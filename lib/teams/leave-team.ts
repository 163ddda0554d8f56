import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import type { ActionResult } from "@/lib/api/answer";
import type { OverrideInput } from "@/lib/tournament/input";
import type { TeamContext } from "./context";
import { removeMember } from "./remove-member";

/**
 * A player leaves their team and is a free agent again. The same action
 * as a removal with the player as its own target (one set of rights,
 * locks and Discord steps), named for what the player does.
 */
export function leaveTeam(context: TeamContext, user: SessionActor, teamId: string, override?: OverrideInput): Promise<ActionResult> {
  return removeMember(context, user, teamId, user.id, override);
}
