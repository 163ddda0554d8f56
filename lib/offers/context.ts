import "server-only";
import type { TeamContext } from "@/lib/teams/context";

/** A team context with how long an offer stays open. */
export type OfferContext = TeamContext & { offerTtlMs: number };
