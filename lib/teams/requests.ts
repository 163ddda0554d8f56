import { z } from "zod";
import { overrideSchema } from "@/lib/tournament/input";
import { snowflakeSchema } from "./input";

/**
 * Bodies of the team API's mutations. Ids travel in the JSON body (not the
 * path) so every route is one static handler behind the same guard.
 */
export const teamTargetSchema = z.object({ teamId: snowflakeSchema });
export const teamMemberTargetSchema = z.object({ teamId: snowflakeSchema, userId: snowflakeSchema });

/** A roster move (approve, remove, leave): a tournament admin may add an override with a reason, which the audit records. */
export const rosterMoveTargetSchema = teamMemberTargetSchema.extend({ override: overrideSchema.optional() });

/** The admin area's "mark this Discord role as a team". */
export const teamRoleTargetSchema = z.object({ roleId: snowflakeSchema });
