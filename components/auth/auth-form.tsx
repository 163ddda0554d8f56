"use client";

import { useEffect, useState } from "react";

export type AuthFormProps = {
  /** One of next-auth's POST endpoints, e.g. `/api/auth/signin/discord`. */
  action: string;
  /** The token of the request's CSRF cookie, rendered by the server (lib/auth/csrf.ts). */
  csrfToken: string;
  /** Where next-auth sends the browser afterwards (kept on this app by lib/auth/safe-redirect.ts). */
  callbackUrl: string;
  label: string;
  /** Shown once the form is on its way, until the next page replaces this one. */
  busyLabel: string;
  buttonClassName: string;
  formClassName?: string;
};

/**
 * A plain HTML form posting to next-auth: it works the moment the page
 * appears and without JavaScript, and next-auth answers it with a redirect
 * (to Discord, or home). The script only improves it: the button shows
 * progress and takes no second press.
 */
export function AuthForm({ action, csrfToken, callbackUrl, label, busyLabel, buttonClassName, formClassName }: AuthFormProps) {
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    // Back from Discord, the browser may show this page as it was left (the back-forward cache): offer the button again.
    const showAgain = (event: PageTransitionEvent) => {
      if (event.persisted) setSubmitting(false);
    };
    window.addEventListener("pageshow", showAgain);
    return () => window.removeEventListener("pageshow", showAgain);
  }, []);

  return (
    <form
      method="post"
      action={action}
      className={formClassName}
      onSubmit={(event) => {
        if (submitting) event.preventDefault();
        else setSubmitting(true);
      }}
    >
      <input type="hidden" name="csrfToken" value={csrfToken} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <button type="submit" disabled={submitting} aria-busy={submitting} className={buttonClassName}>
        {submitting ? busyLabel : label}
      </button>
    </form>
  );
}
