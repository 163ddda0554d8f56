/**
 * The emulator's Gateway driven by the real @discordjs/ws client: what a bot built on it sees,
 * from READY to resumes, reconnects, invalid sessions and fatal closes.
 */
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes, type GatewayDispatchPayload } from "discord-api-types/v10";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BOT_USER_ID, FIXTURE_ROLES, GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import type { EmulatorHandle } from "../../../emulator/server";
import { botClient, botToken, control, gatewayEmulator, waitFor } from "../../helpers/gateway-kit";

const newcomer = "1200000000000000002";
const player = "1200000000000000005";
const guildsAndMembers = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers;

type Client = ReturnType<typeof botClient>;
type GatewayStats = { sessions: { live: number; resumable: number }; identifies: number; resumes: number; closesByCode: Record<string, number> };

let emulator: EmulatorHandle;
let clients: Client[] = [];

beforeAll(async () => {
  emulator = await gatewayEmulator({ routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 1_000, windowSeconds: 1 } } });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());
afterEach(async () => {
  await Promise.all(clients.map((client) => client.destroy()));
  clients = [];
});

async function connected(options: Parameters<typeof botClient>[1] = { intents: guildsAndMembers }): Promise<Client> {
  const client = botClient(emulator, options);
  clients.push(client);
  await client.manager.connect();
  await waitFor(() => client.of(GatewayDispatchEvents.GuildCreate).length > 0 || client.readyCount() > 0, 5_000, "READY");
  return client;
}

async function gatewayStats(): Promise<GatewayStats> {
  return (await control<{ gateway: GatewayStats }>(emulator, "GET", "stats")).gateway;
}

function memberUpdates(client: Client, userId: string) {
  return client.of(GatewayDispatchEvents.GuildMemberUpdate).filter((payload) => payload.d.user.id === userId);
}

/** `s` goes up by exactly one from each dispatch to the next, RESUMED included. */
function expectGapless(dispatches: readonly GatewayDispatchPayload[]): void {
  const sequence = dispatches.map((payload) => payload.s);
  expect(sequence).toEqual(sequence.map((_, index) => (sequence[0] ?? 0) + index));
}

describe("the Gateway through @discordjs/ws", () => {
  it("answers GET /gateway without auth and GET /gateway/bot with the bot's budget", async () => {
    const open = await fetch(`${emulator.url}/api/v10/gateway`);
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ url: emulator.gatewayUrl });

    const bot = await fetch(`${emulator.url}/api/v10/gateway/bot`, { headers: { Authorization: `Bot ${botToken}` } });
    expect(bot.status).toBe(200);
    expect(bot.headers.get("x-ratelimit-limit")).not.toBeNull();
    expect(await bot.json()).toEqual({ url: emulator.gatewayUrl, shards: 1, session_start_limit: { total: 1_000, remaining: 1_000, reset_after: 0, max_concurrency: 16 } });
    expect((await fetch(`${emulator.url}/api/v10/gateway/bot`)).status).toBe(401);
  });

  it("sends READY, then GUILD_CREATE whose members are only the bot", async () => {
    const client = await connected();
    await waitFor(() => client.of(GatewayDispatchEvents.GuildCreate)[0], 5_000, "GUILD_CREATE");
    const [ready, guildCreate] = client.dispatches;
    if (ready?.t !== GatewayDispatchEvents.Ready || guildCreate?.t !== GatewayDispatchEvents.GuildCreate) throw new Error(`unexpected first dispatches ${ready?.t} ${guildCreate?.t}`);
    expect(ready.s).toBe(1);
    expect(ready.d).toMatchObject({ v: 10, user: { id: BOT_USER_ID, bot: true }, guilds: [{ id: GUILD_ID, unavailable: true }], resume_gateway_url: emulator.gatewayUrl, shard: [0, 1] });
    expect(ready.d.application.id).toBe(emulator.config.clientId);
    expect(guildCreate.s).toBe(2);
    expect(guildCreate.d.id).toBe(GUILD_ID);
    expect(guildCreate.d.roles.map((role) => role.id)).toEqual(FIXTURE_ROLES.map((role) => role.id));
    expect(guildCreate.d.member_count).toBe(8);
    expect(guildCreate.d.large).toBe(false);
    expect(guildCreate.d.members.map((member) => member.user.id)).toEqual([BOT_USER_ID]);
    expect(guildCreate.d.channels).toEqual([]);

    const budget = await fetch(`${emulator.url}/api/v10/gateway/bot`, { headers: { Authorization: `Bot ${botToken}` } });
    expect(((await budget.json()) as { session_start_limit: { remaining: number } }).session_start_limit.remaining).toBe(999);
  });

  it("chunks 10,000 members for op 8 and answers a second all-members request within 30 s with RATE_LIMITED", async () => {
    await control(emulator, "POST", "members/bulk", { count: 10_000, roles: [ROLE_IDS.freeAgent] });
    const client = await connected();
    await client.manager.send(0, { op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, query: "", limit: 0, nonce: "everyone" } });
    const chunks = await waitFor(() => {
      const received = client.of(GatewayDispatchEvents.GuildMembersChunk);
      return received.length > 0 && received.length === received[0]?.d.chunk_count ? received : undefined;
    }, 20_000, "every chunk");
    expect(chunks.map((chunk) => chunk.d.chunk_index)).toEqual([...Array(11).keys()]);
    expect(chunks.every((chunk) => chunk.d.nonce === "everyone" && chunk.d.guild_id === GUILD_ID && chunk.d.members.length <= 1_000)).toBe(true);
    const ids = new Set(chunks.flatMap((chunk) => chunk.d.members.map((member) => member.user.id)));
    expect(ids.size).toBe(10_008);
    expect(ids.has(BOT_USER_ID)).toBe(true);

    await client.manager.send(0, { op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, query: "", limit: 0, nonce: "again" } });
    const limited = await waitFor(() => client.of(GatewayDispatchEvents.RateLimited)[0], 5_000, "RATE_LIMITED");
    expect(limited.d.opcode).toBe(GatewayOpcodes.RequestGuildMembers);
    expect(limited.d.retry_after).toBeGreaterThan(25);
    expect(limited.d.retry_after).toBeLessThanOrEqual(30);
    expect(limited.d.meta).toEqual({ guild_id: GUILD_ID, nonce: "again" });
    expect(client.of(GatewayDispatchEvents.GuildMembersChunk)).toHaveLength(11);
  });

  it("answers op 8 by user_ids with the members found and not_found for the rest", async () => {
    const client = await connected();
    const stranger = "1299999999999999999";
    await client.manager.send(0, { op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, user_ids: [player, stranger], nonce: "ids" } });
    const chunk = await waitFor(() => client.of(GatewayDispatchEvents.GuildMembersChunk)[0], 5_000, "the chunk");
    expect(chunk.d.members.map((member) => member.user.id)).toEqual([player]);
    expect(chunk.d.not_found).toEqual([stranger]);
    expect(chunk.d).toMatchObject({ chunk_index: 0, chunk_count: 1, nonce: "ids" });
  });

  it("sends GUILD_MEMBER_UPDATE for a role given through REST and one given through the control API", async () => {
    const client = await connected();
    const put = await fetch(`${emulator.url}/api/v10/guilds/${GUILD_ID}/members/${newcomer}/roles/${ROLE_IDS.freeAgent}`, { method: "PUT", headers: { Authorization: `Bot ${botToken}` } });
    expect(put.status).toBe(204);
    const viaRest = await waitFor(() => memberUpdates(client, newcomer)[0], 5_000, "the REST change");
    expect(viaRest.d.roles).toEqual([ROLE_IDS.freeAgent]);
    expect(viaRest.d.guild_id).toBe(GUILD_ID);

    await control(emulator, "POST", `members/${newcomer}/roles`, { add: [ROLE_IDS.player] });
    const viaControl = await waitFor(() => memberUpdates(client, newcomer)[1], 5_000, "the control change");
    expect(new Set(viaControl.d.roles)).toEqual(new Set([ROLE_IDS.freeAgent, ROLE_IDS.player]));
    expect(viaControl.s).toBe(viaRest.s + 1);
  });

  it("replays every change made while the socket was dropped, in order, on RESUME", async () => {
    const client = await connected();
    const { session_id: sessionId } = (await waitFor(() => client.of(GatewayDispatchEvents.Ready)[0], 5_000, "READY")).d;
    await control(emulator, "POST", "gateway/drop");
    const roles = [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent, ROLE_IDS.player];
    for (const role of roles) await control(emulator, "POST", `members/${newcomer}/roles`, { add: [role] });
    await control(emulator, "POST", `members/${newcomer}/roles`, { remove: [ROLE_IDS.freeAgent] });

    await waitFor(() => client.resumedCount() === 1, 5_000, "RESUMED");
    const updates = memberUpdates(client, newcomer);
    expect(updates.map((update) => update.d.roles.length)).toEqual([1, 2, 3, 2]);
    expect(updates.at(-1)?.d.roles).not.toContain(ROLE_IDS.freeAgent);
    expect(client.dispatches.at(-1)?.t).toBe(GatewayDispatchEvents.Resumed);
    expectGapless(client.dispatches);
    expect(client.readyCount()).toBe(1);
    expect(client.closes).toContain(1006);

    const stats = await gatewayStats();
    expect(stats).toMatchObject({ identifies: 1, resumes: 1, sessions: { live: 1, resumable: 0 } });
    const sessions = await control<{ sessions: { session_id: string }[] }>(emulator, "GET", "gateway/sessions");
    expect(sessions.sessions.map((session) => session.session_id)).toEqual([sessionId]);
  });

  it("resumes after op 7 RECONNECT and keeps delivering", async () => {
    const client = await connected();
    await control(emulator, "POST", "gateway/reconnect");
    await waitFor(() => client.resumedCount() === 1, 5_000, "RESUMED");
    expect(client.closes).toContain(4200);
    await control(emulator, "POST", `members/${player}/roles`, { remove: [ROLE_IDS.player] });
    await waitFor(() => memberUpdates(client, player)[0], 5_000, "the change after the resume");
    expect(client.readyCount()).toBe(1);
    expectGapless(client.dispatches);
  });

  it("identifies anew after op 9 false and resumes on the same socket after op 9 true", async () => {
    const client = await connected();
    const first = (await waitFor(() => client.of(GatewayDispatchEvents.Ready)[0], 5_000, "READY")).d.session_id;
    await control(emulator, "POST", "gateway/invalidate-session", { resumable: false });
    await waitFor(() => client.readyCount() === 2, 5_000, "a second READY");
    const second = client.of(GatewayDispatchEvents.Ready)[1]?.d.session_id;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect((await gatewayStats()).identifies).toBe(2);

    const closesBefore = client.closes.length;
    await control(emulator, "POST", "gateway/invalidate-session", { resumable: true });
    await waitFor(() => client.resumedCount() === 1, 5_000, "RESUMED");
    expect(client.closes.length).toBe(closesBefore);
    expect(client.readyCount()).toBe(2);
  });

  it("stops the client with an error on a bad token (4004)", async () => {
    const client = botClient(emulator, { intents: guildsAndMembers, token: "not-the-token" });
    clients.push(client);
    void client.manager.connect().catch(() => undefined);
    const error = await waitFor(() => client.errors[0], 5_000, "the error");
    expect(error.message).toBe("Authentication failed");
    expect(client.closes).toContain(4004);
    expect(client.readyCount()).toBe(0);
  });
});

describe("an application without the GUILD_MEMBERS intent enabled", () => {
  let strict: EmulatorHandle;
  beforeAll(async () => {
    strict = await gatewayEmulator({ gateway: { guildMembersIntent: false } });
  });
  afterAll(() => strict.close());

  it("closes 4014 when the client asks for GUILD_MEMBERS, and the client stops", async () => {
    const client = botClient(strict, { intents: guildsAndMembers });
    clients.push(client);
    void client.manager.connect().catch(() => undefined);
    const error = await waitFor(() => client.errors[0], 5_000, "the error");
    expect(error.message).toBe("Used disallowed intents");
    expect(client.closes).toContain(4014);
  });

  it("serves a client that asks only for GUILDS, without member events", async () => {
    const client = botClient(strict, { intents: GatewayIntentBits.Guilds });
    clients.push(client);
    await client.manager.connect();
    await waitFor(() => client.of(GatewayDispatchEvents.GuildCreate)[0], 5_000, "GUILD_CREATE");
    await control(strict, "POST", `members/${newcomer}/roles`, { add: [ROLE_IDS.player] });
    await control(strict, "POST", "roles", { name: "new team" });
    await waitFor(() => client.of(GatewayDispatchEvents.GuildRoleCreate)[0], 5_000, "GUILD_ROLE_CREATE");
    expect(client.of(GatewayDispatchEvents.GuildMemberUpdate)).toEqual([]);
  });
});

describe("an application with GUILD_PRESENCES enabled", () => {
  let open: EmulatorHandle;
  beforeAll(async () => {
    open = await gatewayEmulator({ gateway: { guildPresencesIntent: true } });
  });
  afterAll(() => open.close());
  beforeEach(() => open.reset());

  async function guildCreate(largeThreshold?: number) {
    const client = botClient(open, { intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildPresences, largeThreshold });
    clients.push(client);
    await client.manager.connect();
    return (await waitFor(() => client.of(GatewayDispatchEvents.GuildCreate)[0], 5_000, "GUILD_CREATE")).d;
  }

  it("lists every member in GUILD_CREATE while the guild is under large_threshold", async () => {
    const guild = await guildCreate();
    expect(guild.large).toBe(false);
    expect(guild.members).toHaveLength(8);
  });

  it("lists only members with a role or a nickname once the guild is over large_threshold, and everyone again under a higher one", async () => {
    await control(open, "POST", "members/bulk", { count: 100 });
    await control(open, "POST", `members/${newcomer}/nick`, { nick: "New" });
    const large = await guildCreate();
    expect(large).toMatchObject({ large: true, member_count: 108 });
    const expected = [BOT_USER_ID, newcomer, "1200000000000000003", "1200000000000000004", player, "1200000000000000006", "1200000000000000007", "1200000000000000008"];
    expect(new Set(large.members.map((member) => member.user.id))).toEqual(new Set(expected));
    await Promise.all(clients.map((client) => client.destroy()));
    clients = [];

    const roomy = await guildCreate(250);
    expect(roomy.large).toBe(false);
    expect(roomy.members).toHaveLength(108);
  });
});
