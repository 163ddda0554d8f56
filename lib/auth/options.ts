import "server-only";
import { randomUUID } from "node:crypto";
import type { NextAuthOptions } from "next-auth";
import DiscordProvider from "next-auth/providers/discord";
import { getEnv } from "@/lib/env";
import { displayNameOf, identityOfDiscordUser } from "@/lib/identity/identity";
import { createIdentityStore } from "@/lib/identity/store";
import { moduleLogger } from "@/lib/log";
import { productKeyspace } from "@/lib/actions/keys";
import { getRedis } from "@/lib/redis/client";
import { isRedisUnavailable } from "@/lib/redis/connection";
import { revokeToken } from "./discord-oauth";
import { getTokenStore, oauthConfig } from "./index";
import { safeRedirect } from "./safe-redirect";

const log = moduleLogger("auth");

/** Scopes the product needs: who the user is, and their roles in our server. */
export const discordScopes = "identify guilds.members.read";

export const sessionMaxAgeSeconds = 30 * 24 * 60 * 60;

class SessionEndedError extends Error {
  override name = "SessionEndedError";
  constructor() {
    super("the session has ended server-side");
  }
}

/** Whether a cookie's session still exists; while Redis is unreachable a session is taken as alive (nothing can change state then). */
async function sessionStillAlive(sessionId: unknown): Promise<boolean> {
  if (typeof sessionId !== "string") return false;
  try {
    return await getTokenStore().alive(sessionId);
  } catch (error) {
    if (isRedisUnavailable(error)) return true;
    throw error;
  }
}

/**
 * next-auth with Discord. Every Discord URL comes from DISCORD_API_BASE, so
 * the same code runs against Discord and the emulator. The session cookie
 * (an encrypted JWT) carries only the user id, name and a session id; the
 * Discord tokens stay server-side in Redis, encrypted.
 */
/**
 * Rosters and requests show the name and avatar a member last had on
 * Discord. With the live mirror, rosters fill from Discord before anyone
 * acts, so both are remembered at login too, from the OAuth profile (the
 * user object of /users/@me). Fails open: a login never fails for it.
 */
async function rememberIdentity(userId: string, name: string | null | undefined, profile: unknown): Promise<void> {
  const keys = productKeyspace();
  const identity = identityOfDiscordUser(profile);
  try {
    await Promise.all([
      name ? getRedis().hset(keys.userNames, userId, name.slice(0, 100)) : null,
      identity ? createIdentityStore(getRedis(), keys.identities).remember(userId, identity) : null,
    ]);
  } catch (error) {
    log.warn({ err: error instanceof Error ? error.message : String(error) }, "display name not remembered at login");
  }
}

export function getAuthOptions(): NextAuthOptions {
  const env = getEnv();
  const apiOrigin = new URL(env.DISCORD_API_BASE).origin;
  return {
    secret: env.NEXTAUTH_SECRET,
    logger: {
      error: (code, metadata) => {
        if (code === "JWT_SESSION_ERROR") log.info("a cookie of an ended session was refused and cleared");
        else log.error({ code, err: metadata instanceof Error ? metadata.message : undefined }, "next-auth error");
      },
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => undefined,
    },
    session: { strategy: "jwt", maxAge: sessionMaxAgeSeconds },
    pages: { signIn: "/", error: "/" },
    providers: [
      DiscordProvider({
        clientId: env.DISCORD_CLIENT_ID,
        clientSecret: env.DISCORD_CLIENT_SECRET,
        authorization: { url: `${apiOrigin}/oauth2/authorize`, params: { scope: discordScopes } },
        token: `${env.DISCORD_API_BASE}/oauth2/token`,
        userinfo: `${env.DISCORD_API_BASE}/users/@me`,
        checks: ["state", "pkce"],
        // The name Discord shows (display name, then username), not next-auth's username-only one; the avatar is ours (lib/identity).
        profile: (profile) => {
          const identity = identityOfDiscordUser(profile);
          return { id: profile.id, name: identity ? displayNameOf(identity) : profile.username, email: null, image: null };
        },
      }),
    ],
    callbacks: {
      async jwt({ token, account, profile }) {
        if (!account) {
          // next-auth's own /api/auth/session re-issues the cookie: not for a session that has ended server-side.
          // Throwing here makes next-auth answer an empty session and clear the cookie.
          if (!(await sessionStillAlive(token.sid))) throw new SessionEndedError();
          return token;
        }
        if (!account.access_token || !account.refresh_token) throw new Error("Discord did not return tokens");
        const sessionId = randomUUID();
        await getTokenStore().save(sessionId, {
          accessToken: account.access_token,
          refreshToken: account.refresh_token,
          expiresAt: (account.expires_at ?? Math.floor(Date.now() / 1_000) + 604_800) * 1_000,
          scope: account.scope ?? discordScopes,
          userId: account.providerAccountId,
        });
        log.info({ userId: account.providerAccountId }, "user logged in");
        await rememberIdentity(account.providerAccountId, token.name, profile);
        return { sub: account.providerAccountId, name: token.name, sid: sessionId };
      },
      async session({ session, token }) {
        return { expires: session.expires, user: { id: token.sub, name: token.name } };
      },
      async redirect({ url, baseUrl }) {
        return safeRedirect(url, baseUrl);
      },
    },
    events: {
      async signOut({ token }) {
        const sessionId = typeof token?.sid === "string" ? token.sid : null;
        if (!sessionId) return;
        const removed = await getTokenStore().remove(sessionId);
        if (removed) await revokeToken(oauthConfig(), removed.accessToken);
        log.info({ userId: token?.sub }, "user logged out; Discord token revoked");
      },
    },
  };
}
