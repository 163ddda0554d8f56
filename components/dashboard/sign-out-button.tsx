import { AuthForm } from "../auth/auth-form";
import { smallSecondaryButtonClass } from "../ui/styles";

/** Sign out: a form posting to next-auth, so it works before the page's scripts have loaded. */
export function SignOutButton({ csrfToken }: { csrfToken: string }) {
  return <AuthForm action="/api/auth/signout" csrfToken={csrfToken} callbackUrl="/" label="Sign out" busyLabel="Signing out…" buttonClassName={smallSecondaryButtonClass} />;
}
