"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { saveProfileViaApi } from "../dashboard/profile-client";
import { Skeleton } from "../ui/skeleton";
import { cardClass } from "../ui/styles";
import { ProfileForm } from "../views/profile-form";
import { fetchProfile, profileQueryKey, profileStaleTimeMs } from "./profile-query";

/**
 * The profile form again, folded away, for members past the profile step:
 * it opens with their saved answers and saves through the same endpoint.
 */
export function ProfileEditor({ onSaved }: { onSaved: () => unknown }) {
  const queryClient = useQueryClient();
  const profile = useQuery({ queryKey: profileQueryKey, queryFn: ({ signal }) => fetchProfile(signal), staleTime: profileStaleTimeMs });

  async function save(values: ProfileInput): Promise<ProfileSaveResult> {
    const result = await saveProfileViaApi(values);
    if (result.ok) {
      await queryClient.invalidateQueries({ queryKey: profileQueryKey });
      await onSaved();
    }
    return result;
  }

  return (
    <details className={cardClass}>
      <summary className="cursor-pointer py-2.5 font-semibold text-slate-900">Edit your player profile</summary>
      <div className="mt-4">
        {profile.isPending ? (
          <Skeleton label="Loading your profile…" lines={2} />
        ) : profile.isError ? (
          <p role="alert" className="text-sm text-red-700">
            {profile.error.message}
          </p>
        ) : (
          <ProfileForm key={profile.dataUpdatedAt} onSubmit={save} initial={profile.data ?? {}} />
        )}
      </div>
    </details>
  );
}
