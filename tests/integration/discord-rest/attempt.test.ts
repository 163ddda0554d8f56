import { describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { CloudflareBanError, DiscordTransportError, MissingBotTokenError } from "@/lib/discord/rest";
import { fakeDiscord, guildId, json, limitHeaders, privateRedisForFile, restClientsOn } from "../../helpers/discord-rest-kit";

const testRedis = privateRedisForFile();
const { client } = restClientsOn(testRedis, { defaultDeadlineMs: 5_000, policy: { maxPollMs: 50, requestTimeoutMs: 2_000, leaseGraceMs: 500 } });

const memberPath = `/users/@me/guilds/${guildId}/member` as const;
const bearer = { bearer: "user-token" };
const memberLimits = limitHeaders({ limit: 5, remaining: 0, resetAfterMs: 30_000, bucket: "member-bucket" });
const cloudflareBan = () => new Response("error code: 1015", { status: 429, headers: { "content-type": "text/plain", "retry-after": "3600" } });

describe("one attempt with a user's token", () => {
  it("reports a 429 with its headers and classification, without waiting or retrying", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(() => json(429, { message: "You are being rate limited.", retry_after: 29.5, global: false }, { ...memberLimits, "x-ratelimit-scope": "user", "retry-after": "30" }));
    const started = Date.now();
    const answer = await rest.attempt("GET", memberPath, { auth: bearer, timeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(discord.sent).toHaveLength(1);
    expect(answer.status).toBe(429);
    expect(answer.headers).toMatchObject({ remaining: 0, resetAfterMs: 30_000, scope: "user", retryAfterMs: 30_000 });
    expect(answer.outcome.rateLimit).toEqual({ kind: "user", retryAfterMs: 29_500 });
    expect(discord.sent[0]).toMatchObject({ method: "GET", path: memberPath });
    expect((await rest.inspect()).invalidRequests.count).toBe(1);
  });

  it("sends the user's token, never the bot's", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport);
    let authorization: string | null = null;
    discord.override((_sent, init) => {
      authorization = new Headers(init.headers).get("authorization");
      return json(200, { roles: [] }, memberLimits);
    });
    await rest.attempt("GET", memberPath, { auth: bearer, timeoutMs: 1_000 });
    expect(authorization).toBe("Bearer user-token");
  });

  it("opens the egress ban breaker for the bot's requests too, and sends nothing while it is open", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport);
    const other = client(discord.transport);
    discord.override(cloudflareBan);
    const answer = await rest.attempt("GET", memberPath, { auth: bearer, timeoutMs: 1_000 });
    expect(answer.outcome.rateLimit).toEqual({ kind: "cloudflare", retryAfterMs: 3_600_000 });
    const egress = await other.egress();
    expect(egress.cloudflareBan.open).toBe(true);
    expect(egress.cloudflareBan.retryAfterMs).toBeGreaterThan(3_500_000);
    await expect(other.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(CloudflareBanError);
    await expect(other.attempt("GET", memberPath, { auth: { bearer: "another-user" }, timeoutMs: 1_000 })).rejects.toBeInstanceOf(CloudflareBanError);
    expect(discord.sent).toHaveLength(1);
  });

  it("answers no answer within the time limit with a typed error", async () => {
    // Like fetch, a silent Discord is given up on when the attempt's signal aborts.
    const rest = client((_url, init) => new Promise<Response>((_resolve, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason))));
    await expect(rest.attempt("GET", memberPath, { auth: bearer, timeoutMs: 100 })).rejects.toBeInstanceOf(DiscordTransportError);
  });

  it("a client without a bot token sends users' tokens and refuses bot requests", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport, { botToken: undefined });
    discord.override(() => json(200, { roles: [] }, memberLimits));
    expect((await rest.attempt("GET", memberPath, { auth: bearer, timeoutMs: 1_000 })).status).toBe(200);
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(MissingBotTokenError);
  });
});
