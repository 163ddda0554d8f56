import { createHash, timingSafeEqual } from "node:crypto";

export type CallerAuth = { kind: "bot" | "bearer"; token: string };

export type AuthVerdict = { ok: true; auth: CallerAuth } | { ok: false; reason: "missing-authorization" | "unknown-token" };

const sha256 = (token: string): Buffer => createHash("sha256").update(token).digest();

/**
 * Decides whose requests the proxy forwards: the configured bot tokens,
 * compared by digest in constant time (every allowed digest is compared, so
 * the time taken says nothing of which one nearly matched), plus any bearer
 * token when allowed. Nothing else reaches Discord, so a stranger cannot
 * spend the IP's invalid-request budget.
 */
export function createTokenAllowlist(botTokens: readonly string[], allowBearer: boolean) {
  const allowed = botTokens.map(sha256);
  return (header: string | undefined): AuthVerdict => {
    const match = /^(Bot|Bearer) +(\S+)$/i.exec(header?.trim() ?? "");
    if (header === undefined || header.trim() === "") return { ok: false, reason: "missing-authorization" };
    if (!match) return { ok: false, reason: "unknown-token" };
    const [, scheme = "", token = ""] = match;
    if (scheme.toLowerCase() === "bearer") return allowBearer ? { ok: true, auth: { kind: "bearer", token } } : { ok: false, reason: "unknown-token" };
    const digest = sha256(token);
    let known = false;
    for (const candidate of allowed) known = timingSafeEqual(candidate, digest) || known;
    return known ? { ok: true, auth: { kind: "bot", token } } : { ok: false, reason: "unknown-token" };
  };
}
