import { createHash } from "node:crypto";
import { OAuth2Scopes, type RESTPostOAuth2AccessTokenResult } from "discord-api-types/v10";
import { anyone, type AuthOutcome } from "./auth";
import { authorizeDocument, authorizePageBody, errorPageBody } from "./authorize-page";
import type { EmulatorContext, RouteHandler, RouteRequest } from "./context";
import { defineRoute } from "./context";
import { htmlResponse, jsonResponse, redirectResponse, type EmulatorResponse } from "./http";
import type { CodeChallenge, Grant } from "./tokens";

/** The scopes this emulator understands; Discord has more, none of which SAFA asks for. */
export const ALLOWED_SCOPES: readonly string[] = [OAuth2Scopes.Identify, OAuth2Scopes.Email, OAuth2Scopes.Guilds, OAuth2Scopes.GuildsMembersRead];

/** What `POST /__emulator/tokens` grants by default: what the SAFA app asks for at login. */
export const DEFAULT_TEST_SCOPES: readonly string[] = [OAuth2Scopes.Identify, OAuth2Scopes.GuildsMembersRead];

type AuthorizeRequest = { clientId: string; redirectUri: string; scopes: string[]; state: string | null; codeChallenge: CodeChallenge | null };

type OAuthErrorCode = "invalid_client" | "invalid_grant" | "unsupported_grant_type" | "invalid_request";

function oauthError(status: number, error: OAuthErrorCode, description: string): EmulatorResponse {
  return jsonResponse(status, { error, error_description: description });
}

function errorPage(title: string, detail: string): EmulatorResponse {
  return htmlResponse(400, authorizeDocument(title, errorPageBody(title, detail)));
}

/** With no configured redirect URIs any local http(s) URL passes, so demos on any port just work. */
export function isAllowedRedirectUri(uri: string, configured: readonly string[]): boolean {
  if (configured.length > 0) return configured.includes(uri);
  try {
    const url = new URL(uri);
    return (url.protocol === "http:" || url.protocol === "https:") && (url.hostname === "localhost" || url.hostname === "127.0.0.1");
  } catch {
    return false;
  }
}

function redirectWithError(request: AuthorizeRequest, error: string, description: string): EmulatorResponse {
  const target = new URL(request.redirectUri);
  target.searchParams.set("error", error);
  target.searchParams.set("error_description", description);
  if (request.state !== null) target.searchParams.set("state", request.state);
  return redirectResponse(target.toString());
}

/**
 * Checks an authorization request in Discord's order: a bad client or redirect URI gets an error page
 * (redirecting would hand the error to a stranger); anything else wrong goes back to the redirect URI.
 */
function parseAuthorizeRequest(params: URLSearchParams, context: EmulatorContext): { ok: true; request: AuthorizeRequest } | { ok: false; response: EmulatorResponse } {
  const { config } = context;
  if (params.get("client_id") !== config.clientId) {
    return { ok: false, response: errorPage("Unknown application", "The client_id does not belong to any application.") };
  }
  const onlyConfigured = config.redirectUris.length === 1 ? config.redirectUris[0] : undefined;
  const redirectUri = params.get("redirect_uri") ?? onlyConfigured;
  if (redirectUri === undefined || !isAllowedRedirectUri(redirectUri, config.redirectUris)) {
    return { ok: false, response: errorPage("Invalid OAuth2 redirect_uri", "The redirect_uri is not registered for this application.") };
  }
  const scopes = (params.get("scope") ?? "").split(/[\s+]+/).filter(Boolean);
  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method") ?? "plain";
  const codeChallenge = challenge !== null && isChallengeMethod(method) ? { challenge, method } : null;
  const request: AuthorizeRequest = { clientId: config.clientId, redirectUri, scopes, state: params.get("state"), codeChallenge };
  if (params.get("response_type") !== "code") {
    return {
      ok: false,
      response: redirectWithError(request, "unsupported_response_type", "The authorization server does not support obtaining an authorization code using this method."),
    };
  }
  if (!scopes.includes(OAuth2Scopes.Identify) || scopes.some((scope) => !ALLOWED_SCOPES.includes(scope))) {
    return { ok: false, response: redirectWithError(request, "invalid_scope", "The requested scope is invalid, unknown, or malformed.") };
  }
  if (challenge !== null && codeChallenge === null) {
    return { ok: false, response: redirectWithError(request, "invalid_request", "Invalid code_challenge_method: use S256 or plain.") };
  }
  return { ok: true, request };
}

function isChallengeMethod(method: string): method is CodeChallenge["method"] {
  return method === "S256" || method === "plain";
}

function hiddenFields(request: AuthorizeRequest): [string, string][] {
  const fields: [string, string][] = [
    ["client_id", request.clientId],
    ["redirect_uri", request.redirectUri],
    ["response_type", "code"],
    ["scope", request.scopes.join(" ")],
  ];
  if (request.state !== null) fields.push(["state", request.state]);
  if (request.codeChallenge !== null) fields.push(["code_challenge", request.codeChallenge.challenge], ["code_challenge_method", request.codeChallenge.method]);
  return fields;
}

/** The fixture's personas (not synthetic members, who are too many to list), each with its roles by name. */
function renderAuthorizePage(request: AuthorizeRequest, action: string, context: EmulatorContext): EmulatorResponse {
  const { directory } = context;
  const roleNames = new Map(directory.listRoles().map((role) => [role.id, role.name]));
  const personas = directory
    .listUsers()
    .filter((user) => !user.synthetic)
    .map((user) => ({ id: user.id, username: user.username, avatar: user.avatar, roles: directory.memberRoleIds(user.id)?.map((id) => roleNames.get(id) ?? id) }));
  const body = authorizePageBody({ action, hiddenFields: hiddenFields(request), scopes: request.scopes, redirectUri: request.redirectUri, personas });
  return htmlResponse(200, authorizeDocument("Authorize access to your account - Discord", body));
}

function authorizeGet(context: EmulatorContext) {
  return (request: RouteRequest): EmulatorResponse => {
    const parsed = parseAuthorizeRequest(request.url.searchParams, context);
    if (!parsed.ok) return parsed.response;
    return renderAuthorizePage(parsed.request, `${request.prefix}/oauth2/authorize`, context);
  };
}

function authorizePost(context: EmulatorContext) {
  return (request: RouteRequest): EmulatorResponse => {
    const form = new URLSearchParams(request.body);
    const parsed = parseAuthorizeRequest(form, context);
    if (!parsed.ok) return parsed.response;
    if (form.get("decision") === "deny") {
      return redirectWithError(parsed.request, "access_denied", "The resource owner or authorization server denied the request");
    }
    const user = context.directory.findUser(form.get("user_id") ?? "");
    if (!user) return errorPage("Unknown user", "Pick one of the listed personas.");
    const { clientId, redirectUri, scopes, codeChallenge } = parsed.request;
    const code = context.tokens.issueCode({ userId: user.id, clientId, redirectUri, scopes, codeChallenge });
    const target = new URL(parsed.request.redirectUri);
    target.searchParams.set("code", code);
    if (parsed.request.state !== null) target.searchParams.set("state", parsed.request.state);
    return redirectResponse(target.toString());
  };
}

/** Form fields, or nothing when the body is not form-encoded (Discord ignores JSON bodies here). */
function readForm(request: RouteRequest): URLSearchParams {
  const contentType = String(request.headers["content-type"] ?? "");
  return contentType.startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(request.body) : new URLSearchParams();
}

/** HTTP Basic (form-encoded id and secret, per RFC 6749 §2.3.1) or `client_id`/`client_secret` in the body. */
function clientCredentials(request: RouteRequest, form: URLSearchParams): { id: string; secret: string } | undefined {
  const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ""));
  if (basic) {
    const decoded = Buffer.from(basic[1] ?? "", "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    if (separator < 0) return undefined;
    try {
      return { id: decodeURIComponent(decoded.slice(0, separator)), secret: decodeURIComponent(decoded.slice(separator + 1)) };
    } catch {
      return undefined;
    }
  }
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  return id !== null && secret !== null ? { id, secret } : undefined;
}

type ClientCall = { form: URLSearchParams };

/**
 * The token endpoint checks the grant type before the client (a JSON body gets `unsupported_grant_type`,
 * as many Discord users have learned). Buckets are per client and per user, so one user's retries
 * cannot lock every other user out of logging in.
 */
function authenticateClient(context: EmulatorContext, subjectField: string, requireGrantType: boolean) {
  return (request: RouteRequest): AuthOutcome<ClientCall> => {
    const form = readForm(request);
    const grantType = form.get("grant_type");
    if (requireGrantType && grantType !== "authorization_code" && grantType !== "refresh_token") {
      return { ok: false, response: oauthError(400, "unsupported_grant_type", "Unsupported grant type") };
    }
    const credentials = clientCredentials(request, form);
    if (!credentials || credentials.id !== context.config.clientId || credentials.secret !== context.config.clientSecret) {
      return { ok: false, response: oauthError(401, "invalid_client", "Invalid client credentials") };
    }
    const secret = form.get(grantType === "refresh_token" ? "refresh_token" : subjectField) ?? "";
    const subject = context.tokens.subjectOf(secret) ?? "unknown";
    return { ok: true, caller: { form }, principal: `client:${credentials.id}:user:${subject}` };
  };
}

function tokenResult(grant: Grant): EmulatorResponse {
  const result: RESTPostOAuth2AccessTokenResult = {
    access_token: grant.accessToken,
    token_type: "Bearer",
    expires_in: grant.expiresInSeconds,
    refresh_token: grant.refreshToken,
    scope: grant.scopes.join(" "),
  };
  return jsonResponse(200, result, { "Cache-Control": "no-store" });
}

function verifierMatches(challenge: CodeChallenge, verifier: string | null): boolean {
  if (verifier === null) return false;
  const expected = challenge.method === "S256" ? createHash("sha256").update(verifier).digest("base64url") : verifier;
  return expected === challenge.challenge;
}

function exchangeCode(context: EmulatorContext, form: URLSearchParams): EmulatorResponse {
  const code = form.get("code");
  if (!code) return oauthError(400, "invalid_request", 'Missing "code" in request.');
  const record = context.tokens.redeemCode(code);
  if (!record || record.clientId !== context.config.clientId) return oauthError(400, "invalid_grant", 'Invalid "code" in request.');
  if (form.get("redirect_uri") !== record.redirectUri) return oauthError(400, "invalid_grant", 'Invalid "redirect_uri" in request.');
  if (record.codeChallenge && !verifierMatches(record.codeChallenge, form.get("code_verifier"))) {
    return oauthError(400, "invalid_grant", 'Invalid "code_verifier" in request.');
  }
  return tokenResult(context.tokens.issueGrant({ userId: record.userId, clientId: record.clientId, scopes: record.scopes }));
}

function refresh(context: EmulatorContext, form: URLSearchParams): EmulatorResponse {
  const refreshToken = form.get("refresh_token");
  if (!refreshToken) return oauthError(400, "invalid_request", 'Missing "refresh_token" in request.');
  const grant = context.tokens.rotate(refreshToken);
  if (!grant) return oauthError(400, "invalid_grant", 'Invalid "refresh_token" in request.');
  return tokenResult(grant);
}

function revoke(context: EmulatorContext, form: URLSearchParams): EmulatorResponse {
  const token = form.get("token");
  if (!token) return oauthError(400, "invalid_request", 'Missing "token" in request.');
  context.tokens.revoke(token);
  return jsonResponse(200, {});
}

export function createOAuthRoutes(context: EmulatorContext) {
  return {
    "GET /oauth2/authorize": defineRoute(anyone, authorizeGet(context)),
    "POST /oauth2/authorize": defineRoute(anyone, authorizePost(context)),
    "POST /oauth2/token": defineRoute(authenticateClient(context, "code", true), (_request, { form }) =>
      form.get("grant_type") === "refresh_token" ? refresh(context, form) : exchangeCode(context, form),
    ),
    "POST /oauth2/token/revoke": defineRoute(authenticateClient(context, "token", false), (_request, { form }) => revoke(context, form)),
  } satisfies Record<string, RouteHandler>;
}
