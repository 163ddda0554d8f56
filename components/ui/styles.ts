/**
 * Shared Tailwind class lists, so every card and button looks and behaves
 * the same. Focus rings come from `:focus-visible` in app/globals.css.
 */

export const cardClass = "rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:p-6";

const buttonBase =
  "inline-flex items-center justify-center gap-2 rounded-md font-semibold transition-colors disabled:cursor-not-allowed disabled:opacity-60";
const regularSize = "min-h-11 px-4 py-2 text-base";
const secondaryColours = "bg-white text-slate-900 ring-1 ring-slate-300 hover:bg-slate-100";

export const primaryButtonClass = `${buttonBase} ${regularSize} bg-brand text-white hover:bg-brand-dark`;
export const discordButtonClass = `${buttonBase} ${regularSize} bg-discord text-white hover:bg-indigo-700`;
export const secondaryButtonClass = `${buttonBase} ${regularSize} ${secondaryColours}`;
/** For the header, where a full-size button would crowd the line. */
export const smallSecondaryButtonClass = `${buttonBase} min-h-9 px-3 py-1 text-sm ${secondaryColours}`;

export const headingClass = "text-2xl font-bold tracking-tight text-slate-900";
export const sectionHeadingClass = "text-lg font-semibold text-slate-900";
export const bodyTextClass = "text-slate-700";
