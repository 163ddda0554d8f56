import { createHash } from "node:crypto";

/**
 * A stable, non-reversible name for a token. Redis keys and logs use this,
 * never the token: anyone with KEYS or MONITOR can read a key name.
 */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
