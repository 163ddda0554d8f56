import { describe, expect, it } from "vitest";
import { attemptRequest } from "@/lib/discord/rest/attempt-request";
import type { Transport } from "@/lib/discord/rest/types";
import { memberOutcome, memberPath } from "@/lib/roles/fetch-member";
import { guildId, json, limitHeaders } from "../../helpers/discord-rest-kit";

const headers = limitHeaders({ limit: 5, remaining: 3, resetAfterMs: 40_000, bucket: "member" });

/** The role service's reading of one answer, classified by the REST client's rules. */
async function outcomeOf(response: Response) {
  const transport: Transport = async () => response;
  const answer = await attemptRequest("GET", memberPath(guildId), { apiBase: "http://discord.test/api/v10", auth: { bearer: "user-token" }, timeoutMs: 1_000, transport });
  return memberOutcome(answer);
}

describe("the member lookup's answer", () => {
  it("a member, with the headers the pacing reads", async () => {
    const outcome = await outcomeOf(json(200, { roles: ["1"], nick: null, joined_at: "2026-01-01T00:00:00Z" }, headers));
    expect(outcome).toMatchObject({ kind: "member", roles: ["1"], nick: null, joinedAt: "2026-01-01T00:00:00Z", rateLimit: { remaining: 3, resetAfterMs: 40_000 } });
  });

  it("'not a member' only for 404 Unknown Guild; any other failure is an error, never 'no roles'", async () => {
    expect((await outcomeOf(json(404, { message: "Unknown Guild", code: 10_004 }, headers))).kind).toBe("not-member");
    expect((await outcomeOf(json(404, { message: "Unknown", code: 0 }, headers))).kind).toBe("error");
    expect((await outcomeOf(json(200, { roles: "1" }, headers))).kind).toBe("error");
    expect((await outcomeOf(new Response("{not json", { status: 200, headers: { "content-type": "application/json", ...headers } }))).kind).toBe("error");
    expect((await outcomeOf(json(502, { message: "Bad Gateway" }, headers))).kind).toBe("error");
  });

  it("a 401 is a login Discord no longer accepts", async () => {
    expect((await outcomeOf(json(401, { message: "401: Unauthorized", code: 0 }, headers))).kind).toBe("unauthorized");
  });

  it("a 429 waits for Discord's retry_after; one without rate-limit headers is a Cloudflare ban", async () => {
    const limited = await outcomeOf(json(429, { message: "You are being rate limited.", retry_after: 12.5, global: false }, { ...headers, "x-ratelimit-scope": "user", "retry-after": "13" }));
    expect(limited).toMatchObject({ kind: "rate-limited", retryAfterMs: 12_500, rateLimit: { scope: "user" } });
    const banned = await outcomeOf(new Response("error code: 1015", { status: 429, headers: { "content-type": "text/plain", "retry-after": "3600" } }));
    expect(banned).toEqual({ kind: "banned", retryAfterMs: 3_600_000, status: 429 });
  });
});
