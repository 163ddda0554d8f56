import { createHash } from "node:crypto";

/**
 * Tokens are secrets: Redis keys, logs and metrics only ever see this
 * SHA-256 digest, shortened to 32 hex characters (128 bits, still unique).
 */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 32);
}
