import { z } from "zod";
import { attemptRequest } from "@/lib/discord/rest/attempt-request";
import { DiscordTransportError } from "@/lib/discord/rest/errors";
import type { RateLimitHeaders } from "@/lib/discord/rest/headers";
import { parseErrorBody } from "@/lib/discord/rest/response-body";
import type { RouteLike } from "@/lib/discord/rest/route";
import type { RestAnswer } from "@/lib/discord/rest/send-attempt";

/** The route template, as metrics and logs name it (no IDs, no tokens). */
export const memberRoute = "GET /users/@me/guilds/:guild_id/member";

/** The signed-in user's member object in the guild: readable with their own token (scope `guilds.members.read`). */
export function memberPath(guildId: string): RouteLike {
  return `/users/@me/guilds/${guildId}/member`;
}

const memberPayload = z.object({
  roles: z.array(z.string()),
  nick: z.string().nullish(),
  joined_at: z.string().nullish(),
});

/** Discord's JSON error code for "Unknown Guild": asked with a user's token, the user is not in the server. */
const unknownGuildCode = 10_004;

export type MemberFetchOutcome =
  | { kind: "member"; roles: string[]; nick: string | null; joinedAt: string | null; rateLimit: RateLimitHeaders; status: number }
  | { kind: "not-member"; rateLimit: RateLimitHeaders; status: number }
  | { kind: "unauthorized"; rateLimit: RateLimitHeaders; status: number }
  | { kind: "rate-limited"; retryAfterMs: number; rateLimit: RateLimitHeaders; status: number }
  /** A 429 without Discord's headers or JSON: Cloudflare has banned the egress IP. */
  | { kind: "banned"; retryAfterMs: number; status: number }
  | { kind: "error"; status: number | null; message: string };

/**
 * What Discord's answer to the member lookup means for the roles. The 429
 * rules are the REST client's (`classifyAnswer`); a 5xx or a body that is not
 * what Discord documents is an "error", never "not a member".
 */
export function memberOutcome(answer: RestAnswer): MemberFetchOutcome {
  const { status, headers: rateLimit, body, outcome } = answer;
  if (outcome.rateLimit?.kind === "cloudflare") return { kind: "banned", retryAfterMs: outcome.rateLimit.retryAfterMs, status };
  if (outcome.rateLimit) return { kind: "rate-limited", retryAfterMs: outcome.rateLimit.retryAfterMs, rateLimit, status };
  if (status === 200) {
    const member = memberPayload.safeParse(body.json ? body.value : undefined);
    if (!member.success) return { kind: "error", status, message: "Discord answered a member in an unexpected shape" };
    return { kind: "member", roles: member.data.roles, nick: member.data.nick ?? null, joinedAt: member.data.joined_at ?? null, rateLimit, status };
  }
  if (status === 404 && parseErrorBody(body, status).code === unknownGuildCode) return { kind: "not-member", rateLimit, status };
  if (status === 401) return { kind: "unauthorized", rateLimit, status };
  return { kind: "error", status, message: `Discord answered ${status}` };
}

/** No answer at all (a timeout, a refused connection), as the role service reports it. */
export function noAnswerOutcome(error: DiscordTransportError): MemberFetchOutcome {
  const cause = error.cause instanceof Error ? error.cause.name : "Error";
  return { kind: "error", status: null, message: `no answer from Discord: ${cause}` };
}

/**
 * One lookup with the user's token and no shared state, classified. Never
 * throws for Discord's sake. The role service goes through its REST client
 * instead (`DiscordRest.attempt`), which honours and feeds the egress IP's
 * ban breaker; this form serves the benchmark's published algorithm, which has none.
 */
export async function fetchMember(options: { apiBase: string; guildId: string; accessToken: string; timeoutMs: number }): Promise<MemberFetchOutcome> {
  try {
    const answer = await attemptRequest("GET", memberPath(options.guildId), { apiBase: options.apiBase, auth: { bearer: options.accessToken }, timeoutMs: options.timeoutMs });
    return memberOutcome(answer);
  } catch (error) {
    if (error instanceof DiscordTransportError) return noAnswerOutcome(error);
    throw error;
  }
}
