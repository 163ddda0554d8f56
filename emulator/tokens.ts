import { randomBytes } from "node:crypto";
import type { Clock } from "./rate-limiter";

/** One authorization: an access token and the refresh token that replaces both. */
export type Grant = {
  userId: string;
  clientId: string;
  scopes: readonly string[];
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  accessExpiresAtMs: number;
};

/** PKCE (RFC 7636), which Discord supports and next-auth uses. */
export type CodeChallenge = { challenge: string; method: "S256" | "plain" };

export type AuthorizationCode = {
  userId: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  codeChallenge: CodeChallenge | null;
  expiresAtMs: number;
};

/** Codes are meant to be exchanged at once; 10 minutes is the common OAuth2 ceiling. */
const AUTHORIZATION_CODE_TTL_MS = 600_000;

function newSecret(): string {
  return randomBytes(24).toString("base64url");
}

export type TokenStore = ReturnType<typeof createTokenStore>;

const MAX_ISSUED_REMEMBERED = 20_000;

export function createTokenStore(options: { clock: Clock; tokenTtlSeconds: number }) {
  const codes = new Map<string, AuthorizationCode>();
  const byAccess = new Map<string, Grant>();
  const byRefresh = new Map<string, Grant>();
  /** Live grants per application and user, so a revocation finds all of them without a scan. */
  const byHolder = new Map<string, Set<Grant>>();
  /** Every token handed out since the last reset, so tests can check none of them leaked anywhere. */
  const issued: string[] = [];

  function liveCode(code: string): AuthorizationCode | undefined {
    const record = codes.get(code);
    if (record && options.clock() >= record.expiresAtMs) {
      codes.delete(code);
      return undefined;
    }
    return record;
  }

  const holderKey = (grant: Pick<Grant, "clientId" | "userId">) => `${grant.clientId}:${grant.userId}`;

  function forget(grant: Grant): void {
    byAccess.delete(grant.accessToken);
    byRefresh.delete(grant.refreshToken);
    const held = byHolder.get(holderKey(grant));
    held?.delete(grant);
    if (held?.size === 0) byHolder.delete(holderKey(grant));
  }

  function issueGrant(input: { userId: string; clientId: string; scopes: readonly string[]; expiresInSeconds?: number }): Grant {
    const expiresInSeconds = input.expiresInSeconds ?? options.tokenTtlSeconds;
    const grant: Grant = {
      userId: input.userId,
      clientId: input.clientId,
      scopes: input.scopes,
      accessToken: newSecret(),
      refreshToken: newSecret(),
      expiresInSeconds,
      accessExpiresAtMs: options.clock() + expiresInSeconds * 1000,
    };
    byAccess.set(grant.accessToken, grant);
    byRefresh.set(grant.refreshToken, grant);
    const held = byHolder.get(holderKey(grant)) ?? new Set<Grant>();
    held.add(grant);
    byHolder.set(holderKey(grant), held);
    if (issued.length < MAX_ISSUED_REMEMBERED) issued.push(grant.accessToken, grant.refreshToken);
    return grant;
  }

  return {
    issueGrant,

    issuedSecrets(): readonly string[] {
      return issued;
    },

    issueCode(input: Omit<AuthorizationCode, "expiresAtMs">): string {
      const code = newSecret();
      codes.set(code, { ...input, expiresAtMs: options.clock() + AUTHORIZATION_CODE_TTL_MS });
      return code;
    },

    /** Single use: a redeemed code is gone whatever happens next. */
    redeemCode(code: string): AuthorizationCode | undefined {
      const record = liveCode(code);
      codes.delete(code);
      return record;
    },

    /** The grant of a live access token; expired and revoked tokens give `undefined`. */
    authenticate(accessToken: string): Grant | undefined {
      const grant = byAccess.get(accessToken);
      if (!grant || options.clock() >= grant.accessExpiresAtMs) return undefined;
      return grant;
    },

    /** Discord rotates on every refresh: the old refresh token and the old access token both stop working. */
    rotate(refreshToken: string): Grant | undefined {
      const old = byRefresh.get(refreshToken);
      if (!old) return undefined;
      forget(old);
      return issueGrant({ userId: old.userId, clientId: old.clientId, scopes: old.scopes });
    },

    /**
     * Revoking any token revokes every token the application holds for that
     * user (every grant: other logins, other devices), as Discord does.
     * Unknown tokens are ignored (RFC 7009).
     */
    revoke(token: string): void {
      const grant = byAccess.get(token) ?? byRefresh.get(token);
      if (!grant) return;
      for (const held of [...(byHolder.get(holderKey(grant)) ?? [])]) forget(held);
    },

    /** Who a token or code belongs to, without checking it is live: used only to pick a rate-limit bucket. */
    subjectOf(secret: string): string | undefined {
      return (byAccess.get(secret) ?? byRefresh.get(secret) ?? codes.get(secret))?.userId;
    },

    reset(): void {
      codes.clear();
      byAccess.clear();
      byRefresh.clear();
      byHolder.clear();
    },
  };
}
