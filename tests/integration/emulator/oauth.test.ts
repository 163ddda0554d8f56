import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "@/emulator/server";

const clientId = "1400000000000000001";
const clientSecret = "emulator-client-secret";
const redirectUri = "http://localhost:3000/api/auth/callback/discord";
const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
const personaNames = ["outsider", "newcomer", "freeagent", "manager", "player", "admin", "freeagent2", "freeagent3"];

type TokenBody = { access_token: string; token_type: string; expires_in: number; refresh_token: string; scope: string };

let running: EmulatorHandle[] = [];
afterEach(async () => {
  await Promise.all(running.map((handle) => handle.close()));
  running = [];
});

async function start(options: EmulatorOptions = {}) {
  const clock = { nowMs: 1_800_000_000_000 };
  const handle = await startEmulator({ port: 0, clock: () => clock.nowMs, ...options });
  running.push(handle);
  return { handle, clock, api: `${handle.url}/api/v10` };
}

function authorizeQuery(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "identify guilds.members.read",
    state: "st4te",
    ...overrides,
  };
  return new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== null)).toString();
}

/** Reads the form for one persona off the authorize page and submits it, as a browser would. */
async function choosePersona(base: string, query: string, username: string): Promise<Response> {
  const page = await (await fetch(`${base}/oauth2/authorize?${query}`)).text();
  const form = [...page.matchAll(/<form method="post" action="([^"]+)">(.*?)<\/form>/g)].find((match) => match[2]?.includes(`<span class="persona-name">${username}</span></button>`));
  if (!form) throw new Error(`no form for ${username}`);
  const fields = new URLSearchParams();
  for (const input of (form[2] ?? "").matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(input[1] ?? "", decodeEntities(input[2] ?? ""));
  const button = /<button type="submit" name="user_id" value="(\d+)"/.exec(form[2] ?? "");
  fields.set("user_id", button?.[1] ?? "");
  return fetch(`${base}${form[1]}`, { method: "POST", body: fields, redirect: "manual" });
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_match, code: string) => String.fromCharCode(Number(code)));
}

function tokenRequest(api: string, form: Record<string, string>, headers: Record<string, string> = { Authorization: basic }) {
  return fetch(`${api}/oauth2/token`, { method: "POST", headers, body: new URLSearchParams(form) });
}

async function logIn(base: string, api: string, username = "newcomer", extra: Record<string, string> = {}): Promise<TokenBody> {
  const redirect = await choosePersona(base, authorizeQuery(), username);
  const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
  const response = await tokenRequest(api, { grant_type: "authorization_code", code, redirect_uri: redirectUri, ...extra });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenBody;
}

describe("emulator OAuth2 authorize page", () => {
  it.each(["/oauth2/authorize", "/api/oauth2/authorize", "/api/v10/oauth2/authorize"])("lists one button per persona at %s", async (path) => {
    const { handle } = await start();
    const response = await fetch(`${handle.url}${path}?${authorizeQuery()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    const buttons = [...page.matchAll(/<button type="submit" name="user_id" value="\d+"[^>]*>(?:<img [^>]*>)?<span class="persona-name">([^<]*)<\/span><\/button>/g)].map((match) => match[1]);
    expect(buttons).toEqual(personaNames);
  });

  it("reads like Discord's consent screen: the application, its scopes in words, each persona's avatar and roles, Cancel", async () => {
    const { handle } = await start();
    const page = await (await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery({ scope: "identify guilds guilds.members.read" })}`)).text();
    expect(page).toContain("<h1>SAFA Dashboard</h1>");
    expect(page).toContain("wants to access your Discord account");
    const scopes = [...page.matchAll(/<ul class="scopes">(.*?)<\/ul>/g)].map((match) => [...(match[1] ?? "").matchAll(/<span>([^<]*)<\/span>/g)].map((item) => item[1]));
    expect(scopes).toEqual([
      ["Access your username, avatar, and banner", "Know what servers you&#39;re in", "Read your member info (nickname, avatar, roles) in servers you&#39;re in"],
    ]);
    // A persona with an avatar shows it from the CDN; one without gets Discord's default avatar for its id.
    expect(page).toMatch(/value="1200000000000000004"[^>]*><img class="avatar" src="\/avatars\/1200000000000000004\/[0-9a-f]{32}\.png\?size=64" alt=""/);
    expect(page).toMatch(/value="1200000000000000001"[^>]*><img class="avatar" src="\/embed\/avatars\/[0-5]\.png" alt=""/);
    expect(page).toMatch(/aria-describedby="persona-1200000000000000005-roles">.*?<span class="persona-roles" id="persona-1200000000000000005-roles">Roles: updated-profile, player, Lagos Lions</);
    expect(page).toContain('id="persona-1200000000000000001-roles">Not in the server</span>');
    expect(page).toContain("redirected outside of Discord to: <strong>http://localhost:3000</strong>");
    expect(page).toMatch(/<button type="submit" name="decision" value="deny" class="cancel">Cancel<\/button>/);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it("draws the avatars it links to (the emulator's CDN serves each one)", async () => {
    const { handle } = await start();
    const page = await (await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery()}`)).text();
    const sources = [...page.matchAll(/<img class="avatar" src="([^"]+)"/g)].map((match) => (match[1] ?? "").replaceAll("&#38;", "&"));
    expect(sources).toHaveLength(personaNames.length);
    for (const source of sources) {
      const image = await fetch(`${handle.url}${source}`);
      expect(image.status, source).toBe(200);
      expect(image.headers.get("content-type")).toBe("image/png");
    }
  });

  it("sends Cancel back to the application as access_denied, with the state and no code", async () => {
    const { handle } = await start();
    const page = await (await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery()}`)).text();
    const form = /<form method="post" action="([^"]+)" class="actions">(.*?)<\/form>/.exec(page);
    const fields = new URLSearchParams();
    for (const input of (form?.[2] ?? "").matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields.set(input[1] ?? "", decodeEntities(input[2] ?? ""));
    fields.set("decision", "deny");
    const response = await fetch(`${handle.url}${form?.[1] ?? ""}`, { method: "POST", body: fields, redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("state")).toBe("st4te");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("redirects with a code and the state once a persona is chosen", async () => {
    const { handle } = await start();
    const response = await choosePersona(handle.url, authorizeQuery(), "manager");
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(location.searchParams.get("state")).toBe("st4te");
    expect(location.searchParams.get("code")).toMatch(/^[\w-]{20,}$/);
  });

  it("shows a 400 page, not a redirect, for an unknown client or redirect URI", async () => {
    const { handle } = await start();
    for (const query of [authorizeQuery({ client_id: "1400000000000000002" }), authorizeQuery({ redirect_uri: "https://evil.example/cb" }), authorizeQuery({ redirect_uri: null })]) {
      const response = await fetch(`${handle.url}/oauth2/authorize?${query}`, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
    }
  });

  it("only accepts configured redirect URIs when some are given", async () => {
    const { handle } = await start({ redirectUris: ["http://127.0.0.1:4000/cb"] });
    expect((await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery()}`)).status).toBe(400);
    expect((await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery({ redirect_uri: "http://127.0.0.1:4000/cb" })}`)).status).toBe(200);
  });

  it.each([
    [{ scope: "identify bot" }, "invalid_scope"],
    [{ scope: "guilds.members.read" }, "invalid_scope"],
    [{ response_type: "token" }, "unsupported_response_type"],
  ])("sends %j back to the redirect URI as %s", async (overrides, error) => {
    const { handle } = await start();
    const response = await fetch(`${handle.url}/oauth2/authorize?${authorizeQuery(overrides)}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.searchParams.get("error")).toBe(error);
    expect(location.searchParams.get("state")).toBe("st4te");
    expect(location.searchParams.get("code")).toBeNull();
  });
});

describe("emulator OAuth2 token endpoint", () => {
  it("exchanges a code once, with HTTP Basic client auth, for a Discord token answer", async () => {
    const { handle, api } = await start();
    const redirect = await choosePersona(handle.url, authorizeQuery(), "player");
    const code = new URL(redirect.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const response = await tokenRequest(api, { grant_type: "authorization_code", code, redirect_uri: redirectUri });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenBody;
    expect(body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 604_800, refresh_token: expect.any(String), scope: "identify guilds.members.read" });
    const me = await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(await me.json()).toMatchObject({ id: "1200000000000000005", username: "player", discriminator: "0" });

    const again = await tokenRequest(api, { grant_type: "authorization_code", code, redirect_uri: redirectUri });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: "invalid_grant", error_description: 'Invalid "code" in request.' });
  });

  it("accepts client credentials in the body and enforces PKCE when the request used it", async () => {
    const { handle, api } = await start();
    const verifier = "a-verifier-that-is-long-enough-for-pkce-0123456789";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const query = authorizeQuery({ code_challenge: challenge, code_challenge_method: "S256" });
    const codeFor = async () => new URL((await choosePersona(handle.url, query, "admin")).headers.get("location") ?? "").searchParams.get("code") ?? "";
    const viaBody = { "Content-Type": "application/x-www-form-urlencoded" };
    const credentials = { client_id: clientId, client_secret: clientSecret };

    const wrong = await tokenRequest(api, { grant_type: "authorization_code", code: await codeFor(), redirect_uri: redirectUri, code_verifier: "wrong", ...credentials }, viaBody);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    const right = await tokenRequest(api, { grant_type: "authorization_code", code: await codeFor(), redirect_uri: redirectUri, code_verifier: verifier, ...credentials }, viaBody);
    expect(right.status).toBe(200);
  });

  it("answers client and grant mistakes in the OAuth2 error shape", async () => {
    const { handle, api } = await start();
    const code = new URL((await choosePersona(handle.url, authorizeQuery(), "newcomer")).headers.get("location") ?? "").searchParams.get("code") ?? "";
    const badSecret = `Basic ${Buffer.from(`${clientId}:nope`).toString("base64")}`;

    const unauthorized = await tokenRequest(api, { grant_type: "authorization_code", code, redirect_uri: redirectUri }, { Authorization: badSecret });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: "invalid_client" });

    const json = await fetch(`${api}/oauth2/token`, {
      method: "POST",
      headers: { Authorization: basic, "Content-Type": "application/json" },
      body: JSON.stringify({ grant_type: "authorization_code", code, redirect_uri: redirectUri }),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "unsupported_grant_type" });

    const missing = await tokenRequest(api, { grant_type: "authorization_code", redirect_uri: redirectUri });
    expect(await missing.json()).toMatchObject({ error: "invalid_request" });

    const mismatch = await tokenRequest(api, { grant_type: "authorization_code", code, redirect_uri: "http://localhost:3000/other" });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toEqual({ error: "invalid_grant", error_description: 'Invalid "redirect_uri" in request.' });
  });

  it("rotates on refresh: new pair, old refresh token invalid_grant, old access token 401", async () => {
    const { handle, api } = await start();
    const first = await logIn(handle.url, api);
    const refreshed = await tokenRequest(api, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as TokenBody;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.scope).toBe(first.scope);

    const reused = await tokenRequest(api, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });

    const oldAccess = await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${first.access_token}` } });
    expect(oldAccess.status).toBe(401);
    expect(await oldAccess.json()).toEqual({ message: "401: Unauthorized", code: 0 });
    expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${second.access_token}` } })).status).toBe(200);
  });

  it.each(["access_token", "refresh_token"])("revokes the whole grant given its %s", async (kind) => {
    const { handle, api } = await start();
    const tokens = await logIn(handle.url, api);
    const token = kind === "access_token" ? tokens.access_token : tokens.refresh_token;
    const revoked = await fetch(`${api}/oauth2/token/revoke`, {
      method: "POST",
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, token_type_hint: kind }),
    });
    expect(revoked.status).toBe(200);
    expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    const refresh = await tokenRequest(api, { grant_type: "refresh_token", refresh_token: tokens.refresh_token });
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("revokes every token the application holds for the user: other logins and refreshed grants, not other users'", async () => {
    const { handle, api } = await start();
    const phone = await logIn(handle.url, api, "newcomer");
    const laptop = await logIn(handle.url, api, "newcomer");
    const refreshed = (await (await tokenRequest(api, { grant_type: "refresh_token", refresh_token: laptop.refresh_token })).json()) as TokenBody;
    const someoneElse = await logIn(handle.url, api, "player");
    const revoked = await fetch(`${api}/oauth2/token/revoke`, {
      method: "POST",
      headers: { Authorization: basic, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: phone.access_token }),
    });
    expect(revoked.status).toBe(200);
    for (const access of [phone.access_token, refreshed.access_token]) {
      expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${access}` } })).status).toBe(401);
    }
    for (const refreshToken of [phone.refresh_token, refreshed.refresh_token]) {
      expect(await (await tokenRequest(api, { grant_type: "refresh_token", refresh_token: refreshToken })).json()).toMatchObject({ error: "invalid_grant" });
    }
    expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${someoneElse.access_token}` } })).status).toBe(200);
  });

  it("expires access tokens after --token-ttl", async () => {
    const { handle, api, clock } = await start({ tokenTtlSeconds: 60 });
    const tokens = await logIn(handle.url, api);
    expect(tokens.expires_in).toBe(60);
    clock.nowMs += 59_000;
    expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    clock.nowMs += 1_000;
    expect((await fetch(`${api}/users/@me`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
  });

  it("limits the token endpoint per client and user, with Discord's headers", async () => {
    const { handle, api, clock } = await start({ routeLimits: { "POST /oauth2/token": { count: 1, windowSeconds: 5 } } });
    const first = await logIn(handle.url, api, "newcomer");
    const limited = await tokenRequest(api, { grant_type: "refresh_token", refresh_token: first.refresh_token });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
    expect(limited.headers.get("x-ratelimit-bucket")).toMatch(/^[0-9a-f]{32}$/);
    await logIn(handle.url, api, "player");
    // The refused refresh spent nothing: the refresh token still works once the window ends.
    clock.nowMs += 5_000;
    expect((await tokenRequest(api, { grant_type: "refresh_token", refresh_token: first.refresh_token })).status).toBe(200);
  });
});
