import { setTimeout as sleep } from "node:timers/promises";
import { REST } from "@discordjs/rest";
import { WebSocketManager, WebSocketShardEvents } from "@discordjs/ws";
import type { GatewayDispatchPayload, GatewayReceivePayload } from "discord-api-types/v10";
import { WebSocket } from "ws";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "../../emulator/server";

export const botToken = "emulator-bot-token";

/**
 * Heartbeats every second (a busy machine must not turn a slow beat into a zombie close), room
 * for quick re-identifies, and a roomy `GET /gateway/bot` bucket: every client starts by calling it.
 */
export async function gatewayEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({
    port: 0,
    globalLimitPerSecond: 1_000,
    ...options,
    routeLimits: { "GET /gateway/bot": { count: 100, windowSeconds: 1 }, ...options.routeLimits },
    gateway: { heartbeatIntervalMs: 1_000, maxConcurrency: 16, ...options.gateway },
  });
}

export async function control<T = unknown>(emulator: EmulatorHandle, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.url}/__emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 5_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * The real @discordjs/ws client against the emulator. Its identify throttle (one per 5 s
 * with jitter, as Discord's max_concurrency 1 asks) is replaced by none; the emulator is
 * started with a matching max_concurrency.
 */
export function botClient(emulator: EmulatorHandle, options: { intents: number; token?: string; largeThreshold?: number }) {
  const rest = new REST({ api: `${emulator.url}/api`, version: "10", hashSweepInterval: 0, handlerSweepInterval: 0 }).setToken(botToken);
  const manager = new WebSocketManager({
    token: options.token ?? botToken,
    intents: options.intents,
    rest,
    shardCount: 1,
    largeThreshold: options.largeThreshold ?? null,
    buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }),
  });
  const dispatches: GatewayDispatchPayload[] = [];
  const closes: number[] = [];
  const errors: Error[] = [];
  let resumed = 0;
  let readies = 0;
  manager.on(WebSocketShardEvents.Dispatch, (payload) => dispatches.push(payload));
  manager.on(WebSocketShardEvents.Closed, (code) => closes.push(code));
  manager.on(WebSocketShardEvents.Error, (error) => errors.push(error));
  manager.on(WebSocketShardEvents.Resumed, () => (resumed += 1));
  manager.on(WebSocketShardEvents.Ready, () => (readies += 1));
  return {
    manager,
    dispatches,
    closes,
    errors,
    resumedCount: () => resumed,
    readyCount: () => readies,
    /** Dispatches of one type, in arrival order. */
    of<T extends GatewayDispatchPayload["t"]>(type: T) {
      return dispatches.filter((payload): payload is Extract<GatewayDispatchPayload, { t: T }> => payload.t === type);
    },
    async destroy() {
      await manager.destroy();
    },
  };
}

/** A bare socket for what the library never does: each payload as received, and the close code. */
export async function rawSocket(url: string) {
  const socket = new WebSocket(url);
  const received: GatewayReceivePayload[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  socket.on("message", (data) => received.push(JSON.parse(String(data)) as GatewayReceivePayload));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    received,
    closed,
    send(payload: unknown) {
      socket.send(typeof payload === "string" ? payload : JSON.stringify(payload));
    },
    next(op: number, timeoutMs = 3_000) {
      const start = received.length;
      return waitFor(() => received.slice(start).find((payload) => payload.op === op), timeoutMs, `op ${op}`);
    },
    /** Waits for the first payload with `op` already received or arriving. */
    seen(op: number, timeoutMs = 3_000) {
      return waitFor(() => received.find((payload) => payload.op === op), timeoutMs, `op ${op}`);
    },
    close() {
      socket.terminate();
    },
  };
}
