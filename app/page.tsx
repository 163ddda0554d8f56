import { redirect } from "next/navigation";
import { Dashboard } from "@/components/dashboard/dashboard";
import { DiscordBusy } from "@/components/discord-busy";
import { LoginCard } from "@/components/login-card";
import { Providers } from "@/components/providers";
import { SessionExpiredError } from "@/lib/auth/errors";
import { getCurrentUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { rolesAnswerFor } from "@/lib/roles";

export const dynamic = "force-dynamic";

const loginErrors: Record<string, string> = {
  session_expired: "Your Discord login expired or was revoked. Please log in again.",
  OAuthCallback: "Discord did not complete the login. Please try again.",
  AccessDenied: "The login was cancelled. Please try again.",
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The dashboard's first render comes from the server with the roles
 * already resolved, so the right view paints at once (no layout flash).
 */
export default async function HomePage({ searchParams }: Props) {
  const params = await searchParams;
  const errorCode = typeof params.error === "string" ? params.error : undefined;
  const user = await getCurrentUser();
  if (!user) return <LoginCard error={errorCode ? (loginErrors[errorCode] ?? "The login did not work. Please try again.") : undefined} />;

  let result;
  try {
    result = await rolesAnswerFor(user);
  } catch (error) {
    if (error instanceof SessionExpiredError) redirect("/api/session/expired");
    throw error;
  }
  if (!result.ok) return <DiscordBusy message={result.unavailable.message} retryAfterSeconds={result.unavailable.retryAfterSeconds} />;

  return (
    <Providers>
      <Dashboard initialAnswer={result.answer} userName={user.name} inviteUrl={getEnv().DISCORD_INVITE_URL} />
    </Providers>
  );
}
