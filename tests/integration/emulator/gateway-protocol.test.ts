/**
 * The Gateway's protocol rules that @discordjs/ws never breaks, checked with a bare socket:
 * close codes for bad payloads and bad order, the send limit, heartbeat deadlines, the identify
 * budget, and what a RESUME gets for unknown, ended, expired or too-old sessions.
 */
import { GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes, type GatewayReceivePayload } from "discord-api-types/v10";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GUILD_ID, ROLE_IDS } from "../../../emulator/fixture";
import type { EmulatorHandle, EmulatorOptions } from "../../../emulator/server";
import { botToken, control, gatewayEmulator, rawSocket, waitFor } from "../../helpers/gateway-kit";

type Raw = Awaited<ReturnType<typeof rawSocket>>;

const newcomer = "1200000000000000002";
/** Short where a test waits for the heartbeat deadline; long elsewhere, so sockets that never beat stay open. */
const shortHeartbeatMs = 400;
const longHeartbeatMs = 10_000;
const properties = { os: "linux", browser: "test", device: "test" };
const identifyPayload = (intents: number = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers, token = botToken) => ({
  op: GatewayOpcodes.Identify,
  d: { token, intents, properties },
});

let sockets: Raw[] = [];
afterEach(() => {
  for (const socket of sockets) socket.close();
  sockets = [];
});

async function open(emulator: EmulatorHandle, query = "?v=10&encoding=json"): Promise<Raw> {
  const socket = await rawSocket(`${emulator.gatewayUrl}${query}`);
  sockets.push(socket);
  return socket;
}

/** A socket past READY, with its session id and the last `s` it saw. */
async function identified(emulator: EmulatorHandle, intents?: number) {
  const socket = await open(emulator);
  await socket.seen(GatewayOpcodes.Hello);
  socket.send(identifyPayload(intents));
  const ready = await socket.seen(GatewayOpcodes.Dispatch);
  if (ready.op !== GatewayOpcodes.Dispatch || ready.t !== GatewayDispatchEvents.Ready) throw new Error("expected READY first");
  return { socket, sessionId: ready.d.session_id, lastSeq: () => Math.max(...socket.received.flatMap((payload) => (payload.op === GatewayOpcodes.Dispatch ? [payload.s] : []))) };
}

function dispatches(socket: Raw) {
  return socket.received.filter((payload): payload is Extract<GatewayReceivePayload, { op: GatewayOpcodes.Dispatch }> => payload.op === GatewayOpcodes.Dispatch);
}

async function resumeOn(emulator: EmulatorHandle, sessionId: string, seq: number) {
  const socket = await open(emulator);
  await socket.seen(GatewayOpcodes.Hello);
  socket.send({ op: GatewayOpcodes.Resume, d: { token: botToken, session_id: sessionId, seq } });
  return socket;
}

function withEmulator(options: EmulatorOptions = {}) {
  const handle = { emulator: undefined as unknown as EmulatorHandle };
  beforeAll(async () => {
    handle.emulator = await gatewayEmulator({ ...options, gateway: { heartbeatIntervalMs: longHeartbeatMs, ...options.gateway } });
  });
  afterAll(() => handle.emulator.close());
  beforeEach(() => handle.emulator.reset());
  return handle;
}

describe("connection rules", () => {
  const env = withEmulator();

  it("says HELLO with the configured heartbeat_interval and acks every heartbeat, even before IDENTIFY", async () => {
    const socket = await open(env.emulator);
    expect(await socket.seen(GatewayOpcodes.Hello)).toEqual({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: longHeartbeatMs }, s: null, t: null });
    socket.send({ op: GatewayOpcodes.Heartbeat, d: null });
    socket.send({ op: GatewayOpcodes.Heartbeat, d: null });
    await waitFor(() => socket.received.filter((payload) => payload.op === GatewayOpcodes.HeartbeatAck).length === 2, 2_000, "two acks");
  });

  it("closes 4012 for a version other than 10", async () => {
    const socket = await open(env.emulator, "?v=9&encoding=json");
    expect((await socket.closed).code).toBe(4012);
  });

  it("refuses ETF and transport compression before the upgrade", async () => {
    await expect(rawSocket(`${env.emulator.gatewayUrl}?v=10&encoding=etf`)).rejects.toThrow(/400/);
    await expect(rawSocket(`${env.emulator.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`)).rejects.toThrow(/400/);
  });

  it("closes 4001 for an unknown opcode", async () => {
    const socket = await open(env.emulator);
    socket.send({ op: 99, d: null });
    expect((await socket.closed).code).toBe(4001);
  });

  it("closes 4001 for a known opcode with an invalid payload (an IDENTIFY without intents)", async () => {
    const socket = await open(env.emulator);
    socket.send({ op: GatewayOpcodes.Identify, d: { token: botToken, properties } });
    expect((await socket.closed).code).toBe(4001);
  });

  it("closes 4002 for a payload that is not JSON", async () => {
    const socket = await open(env.emulator);
    socket.send("{not json");
    expect((await socket.closed).code).toBe(4002);
  });

  it("closes 4002 for a payload over 4096 bytes", async () => {
    const socket = await open(env.emulator);
    socket.send({ op: GatewayOpcodes.Heartbeat, d: null, padding: "x".repeat(4_096) });
    expect((await socket.closed).code).toBe(4002);
  });

  it("closes 4003 for anything but a heartbeat before IDENTIFY", async () => {
    const socket = await open(env.emulator);
    socket.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, query: "", limit: 0 } });
    expect((await socket.closed).code).toBe(4003);
  });

  it("closes 4005 for a second IDENTIFY", async () => {
    const { socket } = await identified(env.emulator);
    socket.send(identifyPayload());
    expect((await socket.closed).code).toBe(4005);
  });

  it("closes 4004 for a bad token", async () => {
    const socket = await open(env.emulator);
    socket.send(identifyPayload(GatewayIntentBits.Guilds, "wrong"));
    expect((await socket.closed).code).toBe(4004);
  });

  it("closes 4013 for intents Discord does not define", async () => {
    const socket = await open(env.emulator);
    socket.send(identifyPayload(1 << 30));
    expect((await socket.closed).code).toBe(4013);
  });

  it("closes 4014 for MESSAGE_CONTENT, which the application has not enabled", async () => {
    const socket = await open(env.emulator);
    socket.send(identifyPayload(GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent));
    expect((await socket.closed).code).toBe(4014);
  });

  it("closes 4013 for an all-members op 8 without GUILD_MEMBERS", async () => {
    const { socket } = await identified(env.emulator, GatewayIntentBits.Guilds);
    socket.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, query: "", limit: 0 } });
    expect((await socket.closed).code).toBe(4013);
  });

  it("answers a query op 8 with members whose username starts with it, any case", async () => {
    const { socket } = await identified(env.emulator, GatewayIntentBits.Guilds);
    socket.send({ op: GatewayOpcodes.RequestGuildMembers, d: { guild_id: GUILD_ID, query: "FREE", limit: 2 } });
    const chunk = await waitFor(() => dispatches(socket).find((payload) => payload.t === GatewayDispatchEvents.GuildMembersChunk), 2_000, "the chunk");
    if (chunk.t !== GatewayDispatchEvents.GuildMembersChunk) throw new Error("unreachable");
    expect(chunk.d.members.map((member) => member.user.username)).toEqual(["freeagent", "freeagent2"]);
  });

  it("closes 4008 past 120 payloads in 60 s", async () => {
    const socket = await open(env.emulator);
    for (let sent = 0; sent < 121; sent += 1) socket.send({ op: GatewayOpcodes.Heartbeat, d: null });
    expect((await socket.closed).code).toBe(4008);
    expect(socket.received.filter((payload) => payload.op === GatewayOpcodes.HeartbeatAck)).toHaveLength(120);
  });

  it("asks for a heartbeat (op 1) on the control call", async () => {
    const { socket } = await identified(env.emulator);
    await control(env.emulator, "POST", "gateway/heartbeat");
    await socket.seen(GatewayOpcodes.Heartbeat);
  });

  it("sends op 9 false to an IDENTIFY beyond max_concurrency in 5 s", async () => {
    await identified(env.emulator);
    const stats = await control<{ gateway: { sessionStartLimit: { max_concurrency: number } } }>(env.emulator, "GET", "stats");
    const concurrency = stats.gateway.sessionStartLimit.max_concurrency;
    for (let started = 1; started < concurrency; started += 1) await identified(env.emulator);
    const socket = await open(env.emulator);
    socket.send(identifyPayload());
    expect(await socket.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
  });
});

describe("the heartbeat deadline", () => {
  const env = withEmulator({ gateway: { heartbeatIntervalMs: shortHeartbeatMs } });

  it("keeps a socket that beats open past the deadline", async () => {
    const { socket } = await identified(env.emulator);
    const beating = setInterval(() => socket.send({ op: GatewayOpcodes.Heartbeat, d: null }), shortHeartbeatMs / 2);
    await new Promise((resolve) => setTimeout(resolve, shortHeartbeatMs * 3));
    clearInterval(beating);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it("closes a socket that stops beating (4009) and keeps its session for RESUME", async () => {
    const { socket, sessionId, lastSeq } = await identified(env.emulator);
    const started = Date.now();
    expect((await socket.closed).code).toBe(4009);
    expect(Date.now() - started).toBeGreaterThanOrEqual(shortHeartbeatMs);
    const seq = lastSeq();
    await control(env.emulator, "POST", `members/${newcomer}/roles`, { add: [ROLE_IDS.player] });
    const again = await resumeOn(env.emulator, sessionId, seq);
    await waitFor(() => dispatches(again).some((payload) => payload.t === GatewayDispatchEvents.Resumed), 2_000, "RESUMED");
    expect(dispatches(again).map((payload) => [payload.t, payload.s])).toEqual([
      [GatewayDispatchEvents.GuildMemberUpdate, seq + 1],
      [GatewayDispatchEvents.Resumed, seq + 2],
    ]);
  });

});

describe("sessions", () => {
  const env = withEmulator({ gateway: { replayLimit: 3, resumeWindowSeconds: 1 } });

  it("answers op 9 false to a RESUME of an unknown session", async () => {
    const socket = await resumeOn(env.emulator, "no-such-session", 1);
    expect(await socket.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
  });

  it("ends the session when the client closes with 1000", async () => {
    const { socket, sessionId, lastSeq } = await identified(env.emulator);
    socket.socket.close(1000);
    await socket.closed;
    const again = await resumeOn(env.emulator, sessionId, lastSeq());
    expect(await again.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
  });

  it("keeps the session when the client closes with another code, until the resume window ends", async () => {
    const { socket, sessionId, lastSeq } = await identified(env.emulator);
    socket.socket.close(4000);
    await socket.closed;
    const again = await resumeOn(env.emulator, sessionId, lastSeq());
    await waitFor(() => dispatches(again).some((payload) => payload.t === GatewayDispatchEvents.Resumed), 2_000, "RESUMED");

    again.socket.close(4000);
    await again.closed;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const late = await resumeOn(env.emulator, sessionId, lastSeq());
    expect(await late.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
  });

  it("closes 4007 when the RESUME asks for dispatches older than the replay buffer keeps", async () => {
    const { socket, sessionId, lastSeq } = await identified(env.emulator);
    const seq = lastSeq();
    await control(env.emulator, "POST", "gateway/drop");
    await socket.closed;
    for (const role of [ROLE_IDS.updatedProfile, ROLE_IDS.freeAgent, ROLE_IDS.player, ROLE_IDS.lagosLions]) {
      await control(env.emulator, "POST", `members/${newcomer}/roles`, { add: [role] });
    }
    const again = await resumeOn(env.emulator, sessionId, seq);
    expect((await again.closed).code).toBe(4007);
  });

  it("forgets every session on reset, so a RESUME gets op 9 false", async () => {
    const { socket, sessionId, lastSeq } = await identified(env.emulator);
    env.emulator.reset();
    expect((await socket.closed).code).toBe(4000);
    const again = await resumeOn(env.emulator, sessionId, lastSeq());
    expect(await again.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });
  });
});

describe("the identify budget", () => {
  const env = withEmulator({ gateway: { sessionStartLimit: 2, maxConcurrency: 16 } });

  it("ends every session and closes 4004 on the IDENTIFY past session_start_limit, until the budget is reset", async () => {
    const first = await identified(env.emulator);
    await identified(env.emulator);
    const budget = await fetch(`${env.emulator.url}/api/v10/gateway/bot`, { headers: { Authorization: `Bot ${botToken}` } });
    expect(((await budget.json()) as { session_start_limit: { remaining: number } }).session_start_limit.remaining).toBe(0);

    const over = await open(env.emulator);
    over.send(identifyPayload());
    expect((await over.closed).code).toBe(4004);
    expect((await first.socket.closed).code).toBe(4004);
    const resumed = await resumeOn(env.emulator, first.sessionId, first.lastSeq());
    expect(await resumed.seen(GatewayOpcodes.InvalidSession)).toMatchObject({ d: false });

    await control(env.emulator, "POST", "gateway/session-start-limit/reset");
    await identified(env.emulator);
    const stats = await control<{ gateway: { closesByCode: Record<string, number>; identifies: number; resumesRefused: number } }>(env.emulator, "GET", "stats");
    expect(stats.gateway).toMatchObject({ identifies: 3, resumesRefused: 1 });
    expect(stats.gateway.closesByCode["4004"]).toBe(3);
  });
});
