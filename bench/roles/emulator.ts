import { z } from "zod";
import { createMember, grantTokens } from "../shared/emulator";
import { fixture } from "../shared/fixture";
import { controlCall } from "../shared/http";
import { memberRoute, type MemberLimit } from "./config";

const routeStats = z.object({ requests: z.number(), rateLimited: z.number() });
const statsSnapshot = z.object({
  requests: z.number(),
  rateLimited: z.number(),
  invalid: z.number(),
  banned: z.boolean().default(false),
  routes: z.record(z.string(), routeStats),
});
export type MemberRouteStats = { requests: number; rateLimited: number; invalid: number; banned: boolean };

/** The emulator's control API (`/__emulator/...`) as the focus storm uses it, its answers parsed at the boundary. */
export function emulatorControl(url: string) {
  const apiBase = `${url}/api/v10`;
  return {
    url,
    apiBase,
    async reset(): Promise<void> {
      await controlCall(`${url}/__emulator/reset`, {});
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
  const user = await createMember(emulator.url, "bench_probe");
  const granted = await grantTokens(emulator.url, user.id);
  const response = await emulator.callMember(granted.access_token);
  const count = Number(response.headers.get("x-ratelimit-limit"));
  const resetAfterSeconds = Number(response.headers.get("x-ratelimit-reset-after"));
  if (response.status !== 200 || !(count > 0) || !(resetAfterSeconds > 0)) {
    throw new Error(`probe of the member limit failed: status ${response.status}, limit ${count}, reset-after ${resetAfterSeconds}`);
  }
  return { count, windowMs: Math.round(resetAfterSeconds) * 1_000 };
}
