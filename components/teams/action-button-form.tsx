"use client";

import type { FormEvent, ReactNode } from "react";
import { FormReturnField } from "../ui/form-return";

export type ActionButtonFormProps<Act extends Record<string, string>> = {
  /** The server action a press posts to before the page's scripts run, or without JavaScript. */
  action: (formData: FormData) => void;
  /** What the press does: posted as hidden fields without scripts, handed to `run` with them. */
  act: Act;
  /** What a press does once the scripts run (the JSON API, with progress and the outcome on the page). */
  run: (act: Act) => void;
  children: ReactNode;
  className: string;
  disabled?: boolean;
  busy?: boolean;
  /** The button's accessible name, when its text alone does not say whom or what it acts on. */
  label?: string;
};

/**
 * One button that works before the scripts load: a form of hidden fields
 * posting to a server action, whose submit the scripts take over.
 */
export function ActionButtonForm<const Act extends Record<string, string>>({ action, act, run, children, className, disabled = false, busy = false, label }: ActionButtonFormProps<Act>) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(act);
  }
  return (
    <form action={action} onSubmit={submit}>
      {Object.entries(act).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <FormReturnField />
      <button type="submit" className={className} disabled={disabled} aria-busy={busy} aria-label={label}>
        {children}
      </button>
    </form>
  );
}
