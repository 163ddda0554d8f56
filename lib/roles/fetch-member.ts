import { z } from "zod";
import { parseRateLimitHeaders, type RateLimitHeaders } from "@/lib/discord/rest/headers";

/** How long to stop when a ban answer says nothing of its length (Discord users report about an hour). */
const cloudflareBanDefaultMs = 3_600_000;

/** The route template, as metrics and logs name it (no IDs, no tokens). */
export const memberRoute = "GET /users/@me/guilds/:guild_id/member";

const memberPayload = z.object({
  roles: z.array(z.string()),
  nick: z.string().nullish(),
  joined_at: z.string().nullish(),
});

const errorPayload = z.object({ code: z.number().optional(), retry_after: z.number().optional() }).passthrough();

export type MemberFetchOutcome =
  | { kind: "member"; roles: string[]; nick: string | null; joinedAt: string | null; rateLimit: RateLimitHeaders; status: number }
  | { kind: "not-member"; rateLimit: RateLimitHeaders; status: number }
  | { kind: "unauthorized"; rateLimit: RateLimitHeaders; status: number }
  | { kind: "rate-limited"; retryAfterMs: number; rateLimit: RateLimitHeaders; status: number }
  /** A 429 without Discord's headers or JSON: Cloudflare has banned the egress IP. */
  | { kind: "banned"; retryAfterMs: number; status: number }
  | { kind: "error"; status: number | null; message: string };

/**
 * One call to `GET /users/@me/guilds/{guild}/member` with the user's token,
 * classified. Never throws: a timeout, a 5xx or a body that is not what
 * Discord documents is an "error", never "not a member".
 */
export async function fetchMember(options: {
  apiBase: string;
  guildId: string;
  accessToken: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}): Promise<MemberFetchOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${options.apiBase}/users/@me/guilds/${options.guildId}/member`, {
      headers: { Authorization: `Bearer ${options.accessToken}` },
      signal: AbortSignal.timeout(options.timeoutMs),
      cache: "no-store",
    });
  } catch (error) {
    return { kind: "error", status: null, message: `no answer from Discord: ${(error as Error).name}` };
  }
  const rateLimit = parseRateLimitHeaders(response.headers);
  const text = await response.text().catch(() => "");
  const body = safeJson(text);
  const status = response.status;

  if (status === 200) {
    const member = memberPayload.safeParse(body);
    if (!member.success) return { kind: "error", status, message: "Discord answered a member in an unexpected shape" };
    return { kind: "member", roles: member.data.roles, nick: member.data.nick ?? null, joinedAt: member.data.joined_at ?? null, rateLimit, status };
  }
  const error = errorPayload.safeParse(body);
  if (status === 404 && error.success && error.data.code === 10_004) return { kind: "not-member", rateLimit, status };
  if (status === 401) return { kind: "unauthorized", rateLimit, status };
  if (status === 429 && (!rateLimit.present || body === null)) {
    return { kind: "banned", retryAfterMs: rateLimit.retryAfterMs ?? cloudflareBanDefaultMs, status };
  }
  if (status === 429) {
    const fromBody = error.success && error.data.retry_after !== undefined ? Math.ceil(error.data.retry_after * 1_000) : null;
    return { kind: "rate-limited", retryAfterMs: rateLimit.retryAfterMs ?? fromBody ?? 60_000, rateLimit, status };
  }
  return { kind: "error", status, message: `Discord answered ${status}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
