import { z } from "zod";
import { countryCodes } from "@/lib/profile/countries";
import { platforms, positions } from "@/lib/profile/schema";

/**
 * What the free-agent pool's API takes and answers, as zod schemas so the
 * server parses its query string and the browser parses every answer at
 * its boundary. Pure: safe for client components.
 */

export const poolPageSizeMax = 50;
export const poolPageSizeDefault = 20;
export const poolSearchLengthMax = 40;

/** An absent query parameter and an empty one mean the same: no filter. */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

export const poolQuerySchema = z.object({
  page: optional(z.coerce.number({ error: "The page must be a number." }).int("The page must be a whole number.").min(1, "The page must be 1 or more.").max(10_000, "The page must be at most 10000.")),
  pageSize: optional(
    z.coerce
      .number({ error: "The page size must be a number." })
      .int("The page size must be a whole number.")
      .min(1, "The page size must be 1 or more.")
      .max(poolPageSizeMax, `The page size must be at most ${poolPageSizeMax}.`),
  ),
  platform: optional(z.enum(platforms, { error: "Choose a platform from the list." })),
  position: optional(z.enum(positions, { error: "Choose a position from the list." })),
  country: optional(z.enum(countryCodes, { error: "Choose a country from the list." })),
  q: optional(z.string().trim().max(poolSearchLengthMax, `Search for at most ${poolSearchLengthMax} characters.`)),
});
export type PoolQuery = z.infer<typeof poolQuerySchema>;

export const poolPlayerSchema = z.object({
  userId: z.string(),
  name: z.string(),
  /** Their Discord avatar, or Discord's default one. */
  avatarUrl: z.string(),
  gamerTag: z.string(),
  platform: z.enum(platforms),
  position: z.enum(positions),
  country: z.enum(countryCodes),
  /** Since when they are looking, ISO time. */
  lookingSince: z.string(),
  /** True when the viewer's team has an open offer to this player. */
  offered: z.boolean(),
});
export type PoolPlayer = z.infer<typeof poolPlayerSchema>;

export const poolPageSchema = z.object({
  players: z.array(poolPlayerSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Players matching the filters, across all pages. */
  total: z.number().int(),
  /** The team the viewer manages, who may offer its places from the pool; null otherwise. */
  offeringTeam: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Whether the viewer is in the pool themselves. */
  viewerLooking: z.boolean(),
});
export type PoolPage = z.infer<typeof poolPageSchema>;

/** The free agent's own switch. */
export const lookingSchema = z.object({ looking: z.boolean({ error: "Say whether you are looking for a team (true or false)." }) });
