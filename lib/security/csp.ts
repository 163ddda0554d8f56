/**
 * The Content-Security-Policy of every page: scripts only from this origin
 * with the request's nonce (no `unsafe-eval` outside development, no
 * `unsafe-inline`), no framing, forms only to this app and Discord, images
 * only from this app and Discord's CDN (avatars).
 */
export function contentSecurityPolicy(options: { nonce: string; development: boolean; https: boolean; discordOrigin: string; cdnOrigin: string }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${options.nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${options.nonce}'`,
    `img-src 'self' data: ${options.cdnOrigin}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self' ${options.discordOrigin}`,
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** A fresh, unguessable nonce per request (128 bits, base64). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
