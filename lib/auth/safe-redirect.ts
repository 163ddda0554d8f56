/**
 * Where to send the browser after login or logout: only ever back into
 * this app. A relative path stays relative to the app; an absolute URL is
 * kept only when it is on the app's own origin. Everything else goes home.
 */
export function safeRedirect(url: string, baseUrl: string): string {
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return `${baseUrl}${url}`;
  try {
    return new URL(url).origin === new URL(baseUrl).origin ? url : baseUrl;
  } catch {
    return baseUrl;
  }
}
