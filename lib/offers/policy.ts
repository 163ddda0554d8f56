/**
 * The offers feature's own numbers. How long an offer stays open comes from
 * configuration (`OFFER_TTL_HOURS`, this default when unset).
 */
export const offerPolicy = {
  /** An offer not answered within this long is void. */
  ttlHoursDefault: 72,
  /** Open offers one team may have at once: a manager cannot offer a place to the whole pool. */
  openOffersPerTeamMax: 25,
} as const;
