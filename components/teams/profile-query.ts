import { z } from "zod";
import { profileSchema, type ProfileInput } from "@/lib/profile/schema";

/**
 * The profile editor's query, in a plain module (no "use client") so the
 * server's prefetch of the dashboard fills the same cache entry the editor
 * reads, parsed the same way.
 */
export const profileQueryKey = ["profile"] as const;

/**
 * Only the user's own save changes their profile, and it invalidates this
 * query at once; without a stale time the profile the page arrived with
 * would be read again on mount, replacing a form the user may have begun.
 */
export const profileStaleTimeMs = 15_000;

/** `GET /api/profile`'s answer; a stored profile this form cannot show opens the form empty. */
export const profileAnswerSchema = z.object({ profile: profileSchema.nullable().catch(null) });

export async function fetchProfile(signal?: AbortSignal): Promise<ProfileInput | null> {
  const response = await fetch("/api/profile", { cache: "no-store", signal });
  if (!response.ok) throw new Error("We could not load your profile. Reload the page to try again.");
  return profileAnswerSchema.parse(await response.json()).profile;
}
