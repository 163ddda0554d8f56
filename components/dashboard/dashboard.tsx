"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { RolesAnswer } from "@/lib/roles/answer";
import type { ProfileInput, ProfileSaveResult } from "@/lib/profile/schema";
import { ProfileEditor } from "../teams/profile-editor";
import { headerLinkClass } from "../ui/styles";
import { Avatar } from "../ui/avatar";
import { FormOutcomeNotice } from "../ui/form-outcome-notice";
import { ViewSwitch } from "../views/view-switch";
import { saveProfileViaApi } from "./profile-client";
import { useLiveUpdates } from "../live/use-live-updates";
import { describeRolesProblem, fetchRoles, rolesQueryKey } from "./roles-client";
import { RolesBadge } from "./roles-badge";
import { rolesMayRefetch, rolesRecheckIntervalMs, rolesStaleTimeMs } from "./roles-pacing";
import { RolesProblemBanner } from "./roles-problem-banner";
import { SignOutButton } from "./sign-out-button";
import { viewChangeAnnouncement } from "./view-announcement";

export { rolesQueryKey };

export type DashboardProps = {
  /** The server's answer for this request; the first paint renders from it, with no loading state. */
  initialAnswer: RolesAnswer;
  userName: string;
  /** Their Discord avatar (or Discord's default one), shown beside the name. */
  userAvatarUrl: string;
  /** The SAFA server's Discord invite, for members who have not joined yet. */
  inviteUrl: string;
  /** The token of this request's CSRF cookie, for the sign-out form. */
  csrfToken: string;
  /** What a form posted without scripts just did ("Profile saved."), said once on the page it redirected to. */
  formOutcome?: string | null;
};

/**
 * The signed-in home page. Roles come from `GET /api/roles`, re-read on
 * mount and on window focus, but never before the server would ask Discord
 * again (see roles-pacing.ts); while the server is busy the last answer stays
 * on screen. Changes made elsewhere (a manager's approval, another tab) are
 * pushed by the live-update stream, without a focus or a reload.
 */
export function Dashboard({ initialAnswer, userName, userAvatarUrl, inviteUrl, csrfToken, formOutcome = null }: DashboardProps) {
  const query = useQuery({
    queryKey: rolesQueryKey,
    queryFn: ({ signal }) => fetchRoles(signal),
    initialData: initialAnswer,
    initialDataUpdatedAt: () => Date.now(),
    staleTime: ({ state }) => rolesStaleTimeMs(state),
    refetchInterval: ({ state }) => rolesRecheckIntervalMs(state),
    // Both only when stale (see staleTime), and never inside a wait the server asked for.
    refetchOnWindowFocus: ({ state }) => rolesMayRefetch(state, Date.now()),
    refetchOnMount: ({ state }) => rolesMayRefetch(state, Date.now()),
  });
  const { data: answer, refetch } = query;
  // A view switched by new roles is announced; the first view is the page itself and needs no announcement.
  const [announced, setAnnounced] = useState({ view: answer.view, text: "" });
  if (announced.view !== answer.view) setAnnounced({ view: answer.view, text: viewChangeAnnouncement(answer.view) });
  useLiveUpdates();
  const problem = describeRolesProblem(query.error, query.errorUpdatedAt);

  const redirectTo = problem?.kind === "signed-out" ? problem.redirectTo : null;
  useEffect(() => {
    if (redirectTo !== null) window.location.assign(redirectTo);
  }, [redirectTo]);

  // The server named its wait (429 or 503): ask again exactly then, once.
  const retryAtMs = problem?.kind === "busy" ? problem.retryAtMs : null;
  useEffect(() => {
    if (retryAtMs === null) return;
    const timer = window.setTimeout(() => void refetch(), Math.max(0, retryAtMs - Date.now()));
    return () => window.clearTimeout(timer);
  }, [retryAtMs, refetch]);

  /** Saves the profile form through `POST /api/profile`; roles are re-read after a successful save. */
  async function saveProfileAndRefresh(values: ProfileInput): Promise<ProfileSaveResult> {
    const result = await saveProfileViaApi(values);
    if (result.ok) await refetch();
    return result;
  }

  return (
    <>
      <header className="border-b border-slate-200 bg-surface">
        <div className="mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
          <p className="text-lg font-bold text-brand">SAFA Dashboard</p>
          <nav aria-label="Account" className="flex min-w-0 flex-wrap items-center gap-x-4 gap-y-2 text-sm">
            {answer.isAdmin && (
              <Link href="/admin" className={headerLinkClass}>
                Admin area
              </Link>
            )}
            <span className="flex min-w-0 items-center gap-2">
              <Avatar src={userAvatarUrl} size={32} />
              <span className="min-w-0 max-w-48 truncate text-slate-700 sm:max-w-xs" title={userName}>
                Signed in as <span className="font-semibold text-slate-900">{userName}</span>
              </span>
            </span>
            <SignOutButton csrfToken={csrfToken} />
          </nav>
        </div>
      </header>
      <main className="mx-auto flex max-w-4xl flex-col gap-4 px-4 py-6">
        <RolesBadge fetchedAt={answer.fetchedAt} stale={answer.stale} discordBusy={answer.discordBusy} refreshing={query.isFetching} live={answer.how === "live"} />
        <RolesProblemBanner problem={problem} onRetry={() => void refetch()} />
        {formOutcome && <FormOutcomeNotice message={formOutcome} />}
        <p role="status" className="sr-only">
          {announced.text}
        </p>
        <ViewSwitch view={answer.view} inviteUrl={inviteUrl} refreshRoles={refetch} saveProfile={saveProfileAndRefresh} />
        {answer.view !== "join-server" && answer.view !== "profile-form" && <ProfileEditor onSaved={refetch} />}
      </main>
    </>
  );
}
