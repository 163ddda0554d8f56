/**
 * Times in refusals and announcements, written the same for everyone on the
 * server whatever their time zone: "28 Nov 2026, 18:00 UTC".
 */
export function formatUtc(epochMs: number): string {
  const date = new Date(epochMs);
  const day = date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const time = date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "UTC" });
  return `${day}, ${time} UTC`;
}
