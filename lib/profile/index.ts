import "server-only";
import { getActionContext } from "@/lib/actions";
import { saveProfile } from "./save-profile";
import type { ProfileInput } from "./schema";
import { createProfileStore, type StoredProfile } from "./store";

/** Saves the signed-in user's profile with the roles that come with it (see save-profile.ts). */
export function saveMyProfile(user: { id: string; name: string }, profile: ProfileInput) {
  return saveProfile(getActionContext(), user, profile);
}

export async function myProfile(userId: string): Promise<StoredProfile | null> {
  const context = getActionContext();
  return createProfileStore(context.redis, context.keys).get(userId);
}
