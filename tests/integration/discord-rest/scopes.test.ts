import { describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import {
  BotTokenInvalidError,
  CloudflareBanError,
  InvalidRequestBudgetError,
  type DiscordRest,
  type RestEvents,
} from "@/lib/discord/rest";
import { fakeDiscord, guildId, json, limitHeaders, otherGuildId, restClientsOn, privateRedisForFile, userId } from "../../helpers/discord-rest-kit";

const testRedis = privateRedisForFile();
const { client } = restClientsOn(testRedis, { defaultDeadlineMs: 5_000, policy: { maxPollMs: 50, requestTimeoutMs: 2_000, leaseGraceMs: 500 } });

const bucket = "hash-GET_guilds__id_roles";
const rateLimited = (retryAfterS: number, headers: Record<string, string>) =>
  json(429, { message: "You are being rate limited.", retry_after: retryAfterS, global: headers["x-ratelimit-global"] === "true" }, headers);

function collect<E extends keyof RestEvents>(rest: DiscordRest, event: E): RestEvents[E][] {
  const seen: RestEvents[E][] = [];
  rest.on(event, (payload) => seen.push(payload));
  return seen;
}

describe("429 scopes", () => {
  it("a global 429 makes every route of the token wait, in every process", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const a = client(discord.transport);
    const b = client(discord.transport);
    const events = collect(a, "rateLimited");
    discord.override(() => rateLimited(0.4, { "x-ratelimit-global": "true", "x-ratelimit-scope": "global", "retry-after": "1" }));
    const started = Date.now();
    await a.get(Routes.guildRoles(guildId));
    const retriedAt = discord.sent[1]!.at;
    expect(retriedAt - started).toBeGreaterThanOrEqual(390);
    await b.get(Routes.guildMember(guildId, userId));
    expect(events).toEqual([expect.objectContaining({ kind: "global", retryAfterMs: 400 })]);
    expect((await a.inspect()).rateLimited.byKind).toEqual({ global: 1 });
  });

  it("a user-scope 429 exhausts the bucket until retry_after", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 300 });
    const rest = client(discord.transport);
    await rest.get(Routes.guildRoles(guildId));
    discord.override(() => rateLimited(0.6, { ...limitHeaders({ limit: 5, remaining: 0, resetAfterMs: 600, bucket }), "x-ratelimit-scope": "user" }));
    const started = Date.now();
    const first = rest.get(Routes.guildRoles(guildId));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([first, rest.get(Routes.guildRoles(guildId))]);
    expect(discord.sent).toHaveLength(4);
    const after429 = discord.sent.slice(2).map((sent) => sent.at - started);
    expect(Math.min(...after429)).toBeGreaterThanOrEqual(590);
    const state = await rest.inspect();
    expect(state.invalidRequests.count).toBe(1);
    expect(state.rateLimited.byKind).toEqual({ user: 1 });
  });

  it("a shared 429 delays only that resource and is not an invalid request", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport);
    await rest.get(Routes.guildRoles(guildId));
    discord.override(() => rateLimited(0.5, { ...limitHeaders({ limit: 5, remaining: 3, resetAfterMs: 900, bucket }), "x-ratelimit-scope": "shared" }));
    const started = Date.now();
    const blocked = rest.get(Routes.guildRoles(guildId));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rest.get(Routes.guildRoles(otherGuildId));
    expect(Date.now() - started).toBeLessThan(300);
    await blocked;
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
    const state = await rest.inspect();
    expect(state.invalidRequests.count).toBe(0);
    expect(state.rateLimited.byKind).toEqual({ shared: 1 });
  });

  it("a 429 while remaining > 0 marks a hidden sub-limit of that route only", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const rest = client(discord.transport);
    const events = collect(rest, "rateLimited");
    await rest.get(Routes.guildRoles(guildId));
    discord.override(() => rateLimited(0.4, { ...limitHeaders({ limit: 5, remaining: 3, resetAfterMs: 900, bucket }), "x-ratelimit-scope": "user" }));
    const started = Date.now();
    const blocked = rest.get(Routes.guildRoles(guildId));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await rest.get(Routes.guildRoles(otherGuildId));
    expect(Date.now() - started).toBeLessThan(300);
    await blocked;
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(events.map((event) => event.kind)).toEqual(["sublimit"]);
  });
});

describe("breakers", () => {
  it("a Cloudflare ban trips a breaker every process obeys, without sending", async () => {
    const discord = fakeDiscord({ limit: 5, windowMs: 1_000 });
    const a = client(discord.transport);
    const b = client(discord.transport);
    discord.override(() => new Response("error code: 1015", { status: 429, headers: { "content-type": "text/plain", "retry-after": "3600" } }));
    await expect(a.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(CloudflareBanError);
    const error = await b.put(Routes.guildMemberRole(guildId, userId, "1")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudflareBanError);
    expect((error as CloudflareBanError).retryAfterMs).toBeGreaterThan(3_500_000);
    expect(discord.sent).toHaveLength(1);
    expect((await b.inspect()).cloudflareBan.open).toBe(true);
  });

  it("refuses new requests once the share of the invalid-request budget is spent", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport, { invalidShare: 0.5, policy: { invalidRequestLimit: 10, invalidWarningEvery: 2, maxPollMs: 50 } });
    const warnings = collect(rest, "invalidRequestWarning");
    for (let i = 0; i < 5; i += 1) discord.override(() => json(403, { message: "Missing Permissions", code: 50013 }));
    for (let i = 0; i < 5; i += 1) await expect(rest.get(Routes.guildRoles(guildId))).rejects.toMatchObject({ status: 403, code: 50013 });
    const error = await rest.get(Routes.guildRoles(guildId)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestBudgetError);
    expect((error as InvalidRequestBudgetError).retryAfterMs).toBeGreaterThan(590_000);
    expect(discord.sent).toHaveLength(5);
    expect(warnings.map((warning) => warning.count)).toEqual([2, 4, 5]);
  });

  it("a 401 on the bot token stops this client and every other one sharing the token", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const a = client(discord.transport);
    const b = client(discord.transport);
    discord.override(() => json(401, { message: "401: Unauthorized", code: 0 }));
    await expect(a.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(BotTokenInvalidError);
    await expect(a.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(BotTokenInvalidError);
    await expect(b.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(BotTokenInvalidError);
    expect(discord.sent).toHaveLength(1);
    expect((await a.inspect()).botTokenRejected).toBe(true);
  });

  it("a 401 on a user's bearer token is that user's problem, not the client's", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(() => json(401, { message: "401: Unauthorized", code: 0 }));
    await expect(rest.get(Routes.userGuildMember(guildId), { auth: { bearer: "user-token" } })).rejects.toMatchObject({ name: "DiscordAPIError", status: 401 });
    await rest.get(Routes.guildRoles(guildId));
  });
});
