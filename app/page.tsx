import { HydrationBoundary } from "@tanstack/react-query";
import { redirect } from "next/navigation";
import { Dashboard } from "@/components/dashboard/dashboard";
import { DiscordBusy } from "@/components/discord-busy";
import { LoginCard } from "@/components/login-card";
import { Providers } from "@/components/providers";
import { SessionExpiredError, sessionEndMessages } from "@/lib/auth/errors";
import { pageCsrfToken } from "@/lib/auth/page-csrf";
import { getSessionState, recentlyEndedReason } from "@/lib/auth/session";
import { prefetchDashboard } from "@/lib/dashboard/prefetch-dashboard";
import { takeFormOutcome } from "@/lib/api/form-outcome";
import { getEnv } from "@/lib/env";
import { viewerIdentity } from "@/lib/identity/viewer";
import { rolesAnswerFor } from "@/lib/roles";

const loginErrors: Record<string, string> = {
  ...sessionEndMessages,
  OAuthCallback: "Discord did not complete the login. Please try again.",
  AccessDenied: "The login was cancelled. Please try again.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The dashboard's first render comes from the server with the roles
 * already resolved, so the right view paints at once (no layout flash),
 * and with the lists that view's panels show, so they paint at once too
 * (and without scripts) instead of fetching them after the scripts run.
 */
export default async function HomePage({ searchParams }: Props) {
  const params = await searchParams;
  const errorCode = typeof params.error === "string" ? params.error : undefined;
  const session = await getSessionState();
  // A cookie whose session has ended: the expired route forgets it (a page cannot set cookies).
  if (session.kind === "ended") redirect("/api/session/expired");
  if (session.kind === "none" && errorCode === undefined) {
    // The cookie went with a 401 a moment ago (another request of this tab): the expired route says why.
    const reason = await recentlyEndedReason();
    if (reason !== null) redirect(`/api/session/expired?reason=${reason}`);
  }
  // Log in and sign out are plain forms, rendered with the token of this request's CSRF cookie.
  const csrfToken = await pageCsrfToken();
  if (session.kind === "none") {
    const error = errorCode ? (Object.hasOwn(loginErrors, errorCode) ? loginErrors[errorCode] : "The login did not work. Please try again.") : undefined;
    return <LoginCard error={error} csrfToken={csrfToken} />;
  }
  const { user } = session;
  const viewer = await viewerIdentity(user);

  let result;
  try {
    result = await rolesAnswerFor(user);
  } catch (error) {
    if (error instanceof SessionExpiredError) redirect(`/api/session/expired?reason=${error.reason}`);
    throw error;
  }
  if (!result.ok) return <DiscordBusy message={result.unavailable.message} retryAfterSeconds={result.unavailable.retryAfterSeconds} />;
  // A form posted without scripts redirected here after it acted: say what it did, once.
  const [formOutcome, panelData] = await Promise.all([takeFormOutcome(user.id), prefetchDashboard(user, result.answer.view)]);

  return (
    <Providers>
      <HydrationBoundary state={panelData}>
        <Dashboard initialAnswer={result.answer} userName={viewer.name} userAvatarUrl={viewer.avatarUrl} inviteUrl={getEnv().DISCORD_INVITE_URL} csrfToken={csrfToken} formOutcome={formOutcome} />
      </HydrationBoundary>
    </Providers>
  );
}
