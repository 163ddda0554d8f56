/**
 * A stream is a GET, which the session guard lets through from anywhere.
 * One another site opens in the user's name is refused: browsers send
 * `Sec-Fetch-Site` on every request and `Origin` on cross-origin
 * EventSource requests; a same-origin tab sends `same-origin` and no
 * foreign origin. Pure, so it is tested without a server.
 */
export function opensFromElsewhere(headers: Headers, appOrigin: string): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  try {
    return new URL(origin).origin !== new URL(appOrigin).origin;
  } catch {
    return true;
  }
}
