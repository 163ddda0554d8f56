import type { PropsWithChildren } from "react";

/**
 * A box that scrolls sideways when its content (a wide table) is wider than
 * the screen, so the page itself never does. It can take focus and has a
 * name, so a keyboard user can scroll it with the arrow keys and a screen
 * reader says what it holds.
 */
export function ScrollBox({ label, className = "", children }: PropsWithChildren<{ label: string; className?: string }>) {
  return (
    <div role="region" aria-label={label} tabIndex={0} className={`overflow-x-auto ${className}`}>
      {children}
    </div>
  );
}
