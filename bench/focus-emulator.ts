import { z } from "zod";
import { fixture, memberRoute, type MemberLimit } from "./focus-config";
import { postJson } from "./focus-http";

const createdUser = z.object({ id: z.string(), username: z.string() });
const grantedTokens = z.object({ access_token: z.string(), refresh_token: z.string(), expires_in: z.number() });
export type GrantedTokens = z.infer<typeof grantedTokens>;
const routeStats = z.object({ requests: z.number(), rateLimited: z.number() });
const statsSnapshot = z.object({
  requests: z.number(),
  rateLimited: z.number(),
  invalid: z.number(),
  banned: z.boolean().default(false),
  routes: z.record(z.string(), routeStats),
});
export type MemberRouteStats = { requests: number; rateLimited: number; invalid: number; banned: boolean };

/** The emulator's control API (`/__emulator/...`), its answers parsed at the boundary. */
export function emulatorControl(url: string) {
  const apiBase = `${url}/api/v10`;

  async function control<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    const answer = await postJson(`${url}/__emulator/${path}`, body);
    if (answer.status >= 300) throw new Error(`emulator ${path} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
    return schema.parse(answer.json);
  }

  return {
    url,
    apiBase,
    createMember: (username: string) => control("users", { username, roles: [fixture.roles.updatedProfile, fixture.roles.freeAgent], member: true }, createdUser),
    tokens: (userId: string) => control("tokens", { user_id: userId }, grantedTokens),
    async reset(): Promise<void> {
      await control("reset", {}, z.unknown());
    },
    async memberStats(): Promise<MemberRouteStats> {
      const response = await fetch(`${url}/__emulator/stats`, { signal: AbortSignal.timeout(10_000) });
      const stats = statsSnapshot.parse(await response.json());
      const route = stats.routes[memberRoute] ?? { requests: 0, rateLimited: 0 };
      return { ...route, invalid: stats.invalid, banned: stats.banned };
    },
    /** One member lookup with a user's token, outside any app: to learn the limit, or spend budget on purpose. */
    async callMember(accessToken: string): Promise<Response> {
      const response = await fetch(`${apiBase}/users/@me/guilds/${fixture.guildId}/member`, {
        headers: { Authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      return response;
    },
  };
}
export type EmulatorControl = ReturnType<typeof emulatorControl>;

/**
 * Reads the member-lookup limit from the headers of a first call in a fresh
 * window (its reset-after is the whole window), so the targets follow the
 * emulator's actual configuration rather than a number copied here.
 */
export async function probeMemberLimit(emulator: EmulatorControl): Promise<MemberLimit> {
  const user = await emulator.createMember("bench_probe");
  const granted = await emulator.tokens(user.id);
  const response = await emulator.callMember(granted.access_token);
  const count = Number(response.headers.get("x-ratelimit-limit"));
  const resetAfterSeconds = Number(response.headers.get("x-ratelimit-reset-after"));
  if (response.status !== 200 || !(count > 0) || !(resetAfterSeconds > 0)) {
    throw new Error(`probe of the member limit failed: status ${response.status}, limit ${count}, reset-after ${resetAfterSeconds}`);
  }
  return { count, windowMs: Math.round(resetAfterSeconds) * 1_000 };
}
