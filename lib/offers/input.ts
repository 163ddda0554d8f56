import { z } from "zod";
import { snowflakeSchema } from "@/lib/teams/input";

/** A manager's offer (or its withdrawal): which team, to whom. */
export const offerTargetSchema = z.object({ teamId: snowflakeSchema, userId: snowflakeSchema });

/** The player's answer: which team's offer. */
export const offerAnswerSchema = z.object({ teamId: snowflakeSchema });

/** GET /api/offers: the caller's own offers, or with `teamId` the open offers of a team they manage. */
export const offersQuerySchema = z.object({ teamId: z.preprocess((value) => (value === "" ? undefined : value), snowflakeSchema.optional()) });
