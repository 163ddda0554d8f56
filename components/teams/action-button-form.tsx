"use client";

import type { FormEvent, ReactNode } from "react";

export type ActionButtonFormProps = {
  /** The server action a press posts to before the page's scripts run, or without JavaScript. */
  action: (formData: FormData) => void;
  /** The hidden fields that say what the press does. */
  fields: Record<string, string>;
  /** What a press does once the scripts run (the JSON API, with progress and the outcome on the page). */
  onPress: () => void;
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
export function ActionButtonForm({ action, fields, onPress, children, className, disabled = false, busy = false, label }: ActionButtonFormProps) {
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onPress();
  }
  return (
    <form action={action} onSubmit={submit}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={className} disabled={disabled} aria-busy={busy} aria-label={label}>
        {children}
      </button>
    </form>
  );
}
