import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { ActionContext } from "@/lib/actions/context";
import { eaFcIdKey, gamerTagKey } from "@/lib/actions/keys";
import { indexStoredProfiles } from "./index-stored-profiles";
import type { ProfileInput } from "./schema";
import { createProfileStore } from "./store";

/**
 * Refuses a gamer tag or an EA FC ID that another player's profile holds, or
 * one that looks the same, naming the field, before any role changes hands.
 * The profile commit script checks again atomically (a racing save can
 * still lose there). The user's own current values are theirs to keep.
 */
export async function requireUniqueClaims(context: ActionContext, userId: string, profile: ProfileInput): Promise<void> {
  await indexStoredProfiles(context);
  const profiles = createProfileStore(context.redis, context.keys);
  const { gamerTag: gamerTagHolder, eaFcId: eaFcIdHolder } = await profiles.holders(gamerTagKey(profile.gamerTag), eaFcIdKey(profile.eaFcId));
  if (gamerTagHolder !== null && gamerTagHolder !== userId) {
    const holder = await profiles.get(gamerTagHolder);
    const message = holder
      ? `Another player's gamer tag looks the same: ${holder.gamerTag}. Pick another gamer tag.`
      : "Another player already uses this gamer tag, or one that looks the same. Pick another gamer tag.";
    throw new ApiError("gamer_tag_taken", message, { field: "gamerTag", fieldErrors: { gamerTag: message } });
  }
  if (eaFcIdHolder !== null && eaFcIdHolder !== userId) {
    // The holder's ID is not repeated: it may be someone posing as this player.
    const message = "This EA FC ID, or one that looks the same, is already on another player's profile. Check it, or ask a tournament admin if it is yours.";
    throw new ApiError("ea_fc_id_taken", message, { field: "eaFcId", fieldErrors: { eaFcId: message } });
  }
}
