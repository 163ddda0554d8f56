/**
 * Words for "how long ago" and "how long until", for the roles badge and the
 * busy banner. Pure, so the server render and the browser agree on the rules.
 */

const justNowBelowMs = 5_000;
const secondsUpToMs = 90_000;
const minutesUpToMs = 90 * 60_000;

/** "just now" under 5 s, "40 s ago" up to 90 s, then minutes, then hours. */
export function formatAge(ageMs: number): string {
  // A negative age means the clocks disagree a little; it is still "now".
  if (ageMs < justNowBelowMs) return "just now";
  return `${formatSpan(ageMs, Math.floor)} ago`;
}

/** "12 s" style time left on a countdown, rounded up so it reaches "1 s", never "0 s". */
export function formatCountdown(remainingMs: number): string {
  return formatSpan(Math.max(1_000, remainingMs), Math.ceil);
}

function formatSpan(ms: number, round: (value: number) => number): string {
  if (ms <= secondsUpToMs) return `${round(ms / 1_000)} s`;
  if (ms <= minutesUpToMs) return `${round(ms / 60_000)} min`;
  return `${round(ms / 3_600_000)} h`;
}

/** The exact time for the tooltip, in the reader's locale and time zone unless told otherwise. */
export function formatExactTime(iso: string, options: { locale?: string; timeZone?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, { dateStyle: "medium", timeStyle: "medium", timeZone: options.timeZone }).format(new Date(iso));
}
