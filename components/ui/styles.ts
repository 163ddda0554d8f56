/**
 * Shared Tailwind class lists, so every card and button looks and behaves
 * the same. Focus rings come from `:focus-visible` in app/globals.css, and
 * so does dark mode: the colour scales are mirrored there, so these classes
 * (and any component's) need no `dark:` twin.
 */

export const cardClass = "rounded-xl bg-surface p-5 shadow-sm ring-1 ring-slate-200 sm:p-6";

const buttonBase =
  "inline-flex items-center justify-center gap-2 rounded-md font-semibold transition-colors disabled:cursor-not-allowed disabled:opacity-60";
const regularSize = "min-h-11 px-4 py-2 text-base";
const secondaryColours = "bg-surface text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100";

export const primaryButtonClass = `${buttonBase} ${regularSize} bg-brand-fill text-white hover:bg-brand-dark`;
export const discordButtonClass = `${buttonBase} ${regularSize} bg-discord text-white hover:bg-discord-dark`;
export const secondaryButtonClass = `${buttonBase} ${regularSize} ${secondaryColours}`;
/** For what cannot be undone (disbanding a team); asked for only after a confirmation step. */
export const dangerButtonClass = `${buttonBase} ${regularSize} bg-danger text-white hover:bg-danger-dark`;
/** For the header and table rows, where a full-size button would crowd the line; phone-sized screens keep a 44 px touch target. */
export const smallSecondaryButtonClass = `${buttonBase} min-h-11 px-3 py-1 text-sm sm:min-h-9 ${secondaryColours}`;

/** A link standing on its own ("← Dashboard"): a 44 px touch target, not just its line of text. */
export const backLinkClass = "inline-flex min-h-11 items-center text-sm font-medium text-brand underline underline-offset-4";
/** A link in a page header's navigation, as tall as the buttons beside it. */
export const headerLinkClass = "inline-flex min-h-11 items-center font-semibold text-brand underline-offset-4 hover:underline";

export const headingClass = "text-2xl font-bold tracking-tight text-slate-900";
export const sectionHeadingClass = "text-lg font-semibold text-slate-900";
export const bodyTextClass = "text-slate-700";
