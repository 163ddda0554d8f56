"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { smallSecondaryButtonClass } from "../ui/styles";

export function SignOutButton() {
  const [signingOut, setSigningOut] = useState(false);

  async function handleClick() {
    setSigningOut(true);
    try {
      await signOut({ callbackUrl: "/" });
    } catch {
      // signOut navigates away on success; on a network failure let the user try again.
      setSigningOut(false);
    }
  }

  return (
    <button type="button" onClick={handleClick} disabled={signingOut} className={smallSecondaryButtonClass}>
      {signingOut ? "Signing out…" : "Sign out"}
    </button>
  );
}
