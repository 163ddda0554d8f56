import { describe, expect, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { DiscordAPIError, DiscordTransportError } from "@/lib/discord/rest";
import { fakeDiscord, guildId, json, restClientsOn, privateRedisForFile, userId } from "../../helpers/discord-rest-kit";

const testRedis = privateRedisForFile();
const { client } = restClientsOn(testRedis, { defaultDeadlineMs: 5_000, policy: { maxPollMs: 50, requestTimeoutMs: 2_000, leaseGraceMs: 500, backoffBaseMs: 20, backoffMaxMs: 80 } });

const refused = () => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }) });
};
const reset = () => {
  throw new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
};

describe("retries", () => {
  it("retries a GET after 5xx answers, with backoff", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(() => json(503, { message: "503: Service Unavailable", code: 0 }));
    discord.override(() => json(502, { message: "502: Bad Gateway", code: 0 }));
    const roles = await rest.get<{ ok: boolean }>(Routes.guildRoles(guildId));
    expect(roles.ok).toBe(true);
    expect(discord.sent).toHaveLength(3);
    expect(discord.sent[1]!.at - discord.sent[0]!.at).toBeGreaterThanOrEqual(10);
  });

  it("gives up after the retry budget with the last answer as a DiscordAPIError", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport, { policy: { maxServerRetries: 2, backoffBaseMs: 5, backoffMaxMs: 10, maxPollMs: 50 } });
    for (let i = 0; i < 3; i += 1) discord.override(() => json(500, { message: "500: Internal Server Error", code: 0 }));
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toMatchObject({ name: "DiscordAPIError", status: 500 });
    expect(discord.sent).toHaveLength(3);
  });

  it("does not retry a POST after a 5xx: Discord may have applied it", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(() => json(500, { message: "500: Internal Server Error", code: 0 }));
    await expect(rest.post(Routes.guildRoles(guildId), { body: { name: "team" } })).rejects.toBeInstanceOf(DiscordAPIError);
    expect(discord.sent).toHaveLength(1);
  });

  it("retries a POST whose connection was refused: it never reached Discord", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(refused);
    await rest.post(Routes.guildRoles(guildId), { body: { name: "team" } });
    expect(discord.sent).toHaveLength(2);
  });

  it("does not retry a POST whose connection broke after sending", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(reset);
    const error = await rest.post(Routes.guildRoles(guildId), { body: { name: "team" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiscordTransportError);
    expect((error as DiscordTransportError).provablyNotSent).toBe(false);
    expect(discord.sent).toHaveLength(1);
  });

  it("retries an idempotent PUT whose connection broke", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    discord.override(reset);
    await rest.put(Routes.guildMemberRole(guildId, userId, "1100000000000000101"));
    expect(discord.sent).toHaveLength(2);
  });

  it("stops retrying when the backoff would pass the deadline", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport, { policy: { backoffBaseMs: 1_000, backoffMaxMs: 1_000, maxPollMs: 50 } });
    discord.override(() => json(503, { message: "503: Service Unavailable", code: 0 }));
    const started = Date.now();
    await expect(rest.get(Routes.guildRoles(guildId), { deadlineMs: 200 })).rejects.toMatchObject({ status: 503 });
    expect(Date.now() - started).toBeLessThan(150);
  });

  it("times out a hung request and treats it as a network error", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport, { policy: { requestTimeoutMs: 100, maxServerRetries: 0, maxPollMs: 50 } });
    discord.override((_sent, init) => new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason))));
    await expect(rest.get(Routes.guildRoles(guildId))).rejects.toBeInstanceOf(DiscordTransportError);
  });
});

describe("answers", () => {
  it("returns typed JSON, undefined for 204, and Discord's error details", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    expect(await rest.get<{ ok: boolean; path: string }>(Routes.guildRoles(guildId))).toEqual({ ok: true, path: Routes.guildRoles(guildId) });
    expect(await rest.put(Routes.guildMemberRole(guildId, userId, "1100000000000000101"))).toBeUndefined();
    const errors = { name: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 100 or fewer in length." }] } };
    discord.override(() => json(400, { message: "Invalid Form Body", code: 50035, errors }));
    const error = await rest.post(Routes.guildRoles(guildId), { body: { name: "x".repeat(101) } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "DiscordAPIError", status: 400, code: 50035, message: "Invalid Form Body", errors, route: "/guilds/:guild_id/roles" });
  });

  it("sends the bot token, JSON body and audit-log reason", async () => {
    const discord = fakeDiscord({ limit: 50, windowMs: 1_000 });
    const rest = client(discord.transport);
    let seen: RequestInit | undefined;
    discord.override((_sent, init) => {
      seen = init;
      return json(200, {});
    });
    await rest.post(Routes.guildRoles(guildId), { body: { name: "team" }, reason: "SAFA: new team" });
    const headers = seen?.headers as Record<string, string>;
    expect(headers.Authorization).toBe("Bot bot-token");
    expect(headers["Content-Type"]).toBe("application/json");
    expect(headers["X-Audit-Log-Reason"]).toBe("SAFA%3A%20new%20team");
    expect(seen?.body).toBe(JSON.stringify({ name: "team" }));
  });
});
