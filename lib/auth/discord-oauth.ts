import { z } from "zod";

export type OAuthConfig = {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
};

export type TokenSet = {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds when the access token stops working. */
  expiresAt: number;
  scope: string;
};

const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number().positive(),
  scope: z.string().default(""),
  token_type: z.string().optional(),
});

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** Discord no longer accepts the refresh token (used, revoked or expired): the user must log in again. */
export class InvalidGrantError extends Error {
  override name = "InvalidGrantError";
}

/** Discord could not be asked (network, 5xx, 429): the caller may retry later. */
export class OAuthUnavailableError extends Error {
  override name = "OAuthUnavailableError";
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

function basicAuth(config: OAuthConfig): string {
  return `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString("base64")}`;
}

async function postForm(config: OAuthConfig, path: string, form: Record<string, string>): Promise<Response> {
  const doFetch = config.fetch ?? fetch;
  try {
    return await doFetch(`${config.apiBase}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basicAuth(config) },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(config.timeoutMs ?? 5_000),
    });
  } catch (error) {
    throw new OAuthUnavailableError(`Discord's token endpoint did not answer: ${(error as Error).message}`, 2_000);
  }
}

/** Exchanges a refresh token for a new pair; Discord invalidates the old refresh token when it answers. */
export async function refreshTokenSet(config: OAuthConfig, refreshToken: string): Promise<TokenSet> {
  const response = await postForm(config, "/oauth2/token", { grant_type: "refresh_token", refresh_token: refreshToken });
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = tokenResponse.parse(body);
    return {
      accessToken: parsed.access_token,
      refreshToken: parsed.refresh_token,
      expiresAt: Date.now() + parsed.expires_in * 1_000,
      scope: parsed.scope,
    };
  }
  const error = oauthError.safeParse(body);
  if (response.status === 400 && error.success && error.data.error === "invalid_grant") {
    throw new InvalidGrantError("Discord rejected the refresh token");
  }
  const retryAfterSeconds = Number(response.headers.get("retry-after") ?? "2");
  throw new OAuthUnavailableError(`Discord's token endpoint answered ${response.status}`, Math.max(1, retryAfterSeconds) * 1_000);
}

/** Revokes a token at Discord; best effort, since the user is leaving either way. */
export async function revokeToken(config: OAuthConfig, token: string): Promise<boolean> {
  try {
    const response = await postForm(config, "/oauth2/token/revoke", { token });
    return response.ok;
  } catch {
    return false;
  }
}
