import { AuthForm } from "./auth/auth-form";
import { bodyTextClass, cardClass, discordButtonClass } from "./ui/styles";

export type LoginCardProps = {
  /**
   * A sentence for the user, e.g. "Your Discord login expired or was
   * revoked. Please log in again." The page maps query-string codes to
   * sentences it wrote, so nothing from the URL is shown verbatim.
   */
  error?: string;
  /** The token of this request's CSRF cookie, so the login form works before (and without) any script. */
  csrfToken: string;
};

/** The signed-out home page: what this is and the way in. */
export function LoginCard({ error, csrfToken }: LoginCardProps) {
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className={`${cardClass} flex w-full max-w-md flex-col items-center gap-5 text-center`}>
        <h1 className="text-3xl font-bold tracking-tight text-slate-900">SAFA Dashboard</h1>
        <p className={bodyTextClass}>
          The home of the SAFA FIFA tournaments. Log in with the Discord account you use in the SAFA server to see your profile, your team and what
          you can do next.
        </p>
        {error && (
          <p role="alert" className="w-full rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800 ring-1 ring-red-200">
            {error}
          </p>
        )}
        <AuthForm
          action="/api/auth/signin/discord"
          csrfToken={csrfToken}
          callbackUrl="/"
          label="Log in with Discord"
          busyLabel="Opening Discord…"
          formClassName="w-full sm:w-auto"
          buttonClassName={`${discordButtonClass} w-full`}
        />
      </div>
    </main>
  );
}
