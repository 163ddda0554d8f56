import { z } from "zod";

/**
 * What the offers API answers, as zod schemas so the browser parses every
 * answer at its boundary. Pure: safe for client components.
 */

/** An open offer as the player sees it on their dashboard. */
export const myOfferSchema = z.object({
  teamId: z.string(),
  teamName: z.string(),
  teamTag: z.string(),
  offeredByName: z.string(),
  /** ISO times. */
  offeredAt: z.string(),
  expiresAt: z.string(),
});
export type MyOffer = z.infer<typeof myOfferSchema>;

export const myOffersSchema = z.object({ offers: z.array(myOfferSchema) });
export type MyOffers = z.infer<typeof myOffersSchema>;

/** An open offer as the team's manager sees it. */
export const teamOfferSchema = z.object({ userId: z.string(), name: z.string(), avatarUrl: z.string(), gamerTag: z.string().nullable(), expiresAt: z.string() });
export type TeamOffer = z.infer<typeof teamOfferSchema>;

export const teamOffersSchema = z.object({ teamId: z.string(), offers: z.array(teamOfferSchema) });
export type TeamOffers = z.infer<typeof teamOffersSchema>;
