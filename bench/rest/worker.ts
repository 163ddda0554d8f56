/**
 * One benchmark / test process: runs a batch of Discord requests with either
 * our Redis-shared client or @discordjs/rest, on the parent's signal, and
 * reports back over IPC. Started by bench/rest/pool.ts as a real OS process
 * (`node --import tsx`), so several of them share a bot token the way app
 * processes behind a load balancer do.
 *
 * It imports the client's inner modules, not lib/discord/rest/index.ts: the
 * index is marked `server-only`, which only resolves inside Next.js.
 */
import { REST } from "@discordjs/rest";
import { Redis } from "ioredis";
import { z } from "zod";
import { createDiscordRest, type Transport } from "../../lib/discord/rest/create-discord-rest";
import type { RouteLike } from "../../lib/discord/rest/route";

const job = z.object({ method: z.enum(["GET", "PUT", "DELETE"]), path: z.string().regex(/^\//) });
export const runMessage = z.object({
  type: z.literal("run"),
  id: z.number().int(),
  client: z.enum(["ours", "discordjs"]),
  apiBase: z.string().url(),
  botToken: z.string(),
  redisUrl: z.string(),
  keyPrefix: z.string(),
  jobs: z.array(job),
  deadlineMs: z.number().int().positive(),
  globalPerSecond: z.number().int().positive().optional(),
  policy: z.record(z.string(), z.number()).optional(),
  /** Tell the parent when the first request is handed to the network (for kill tests). */
  reportSending: z.boolean().optional(),
  /**
   * Sent one at a time, each awaited, before `jobs`, by the same client
   * instance: they teach it the routes' bucket hashes so the measured run
   * starts warm.
   */
  warmup: z.array(job).optional(),
  /** Epoch milliseconds: `jobs` start then (after any warm-up), so several processes start together. */
  startAt: z.number().optional(),
});
export type RunMessage = z.infer<typeof runMessage>;
export type WorkerReply =
  | { type: "ready" }
  | { type: "sending"; id: number }
  | { type: "done"; id: number; ok: number; failed: number; errors: Record<string, number>; elapsedMs: number; warmupFailed: number; startedLateMs: number };

const connections = new Map<string, Redis>();
const send = (reply: WorkerReply) => process.send?.(reply);

function redisFor(url: string): Redis {
  let connection = connections.get(url);
  if (!connection) {
    connection = new Redis(url, { maxRetriesPerRequest: 1 });
    connections.set(url, connection);
  }
  return connection;
}

type Runner = { call(method: "GET" | "PUT" | "DELETE", path: RouteLike): Promise<unknown>; close(): Promise<void> };

function ours(message: RunMessage): Runner {
  let announced = false;
  const transport: Transport = (url, init) => {
    if (message.reportSending && !announced) {
      announced = true;
      send({ type: "sending", id: message.id });
    }
    return fetch(url, init);
  };
  const rest = createDiscordRest({
    redis: redisFor(message.redisUrl),
    botToken: message.botToken,
    apiBase: message.apiBase,
    keyPrefix: message.keyPrefix,
    defaultDeadlineMs: message.deadlineMs,
    transport,
    ...(message.globalPerSecond === undefined ? {} : { globalPerSecond: message.globalPerSecond }),
    ...(message.policy === undefined ? {} : { policy: message.policy }),
  });
  return { call: (method, path) => rest.request(method, path), close: () => rest.close() };
}

function discordjs(message: RunMessage): Runner {
  const rest = new REST({
    version: "10",
    api: message.apiBase.replace(/\/v10\/?$/, ""),
    timeout: message.deadlineMs,
    ...(message.globalPerSecond === undefined ? {} : { globalRequestsPerSecond: message.globalPerSecond }),
  }).setToken(message.botToken);
  return {
    call: (method, path) => (method === "GET" ? rest.get(path) : method === "PUT" ? rest.put(path) : rest.delete(path)),
    async close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}

/** Warm-up calls in order, each awaited; returns how many failed. */
async function warmUp(runner: Runner, jobs: RunMessage["jobs"]): Promise<number> {
  let failed = 0;
  for (const item of jobs) {
    await runner.call(item.method, item.path as RouteLike).catch(() => {
      failed += 1;
    });
  }
  return failed;
}

async function run(message: RunMessage): Promise<void> {
  const runner = message.client === "ours" ? ours(message) : discordjs(message);
  const warmupFailed = await warmUp(runner, message.warmup ?? []);
  // A warm-up that overran the start would make this process start late: reported, so the parent can refuse the run.
  const startAt = message.startAt ?? Date.now();
  const startedLateMs = Math.max(0, Date.now() - startAt);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const started = performance.now();
  const results = await Promise.allSettled(message.jobs.map((item) => runner.call(item.method, item.path as RouteLike)));
  const elapsedMs = performance.now() - started;
  await runner.close();
  const errors: Record<string, number> = {};
  let ok = 0;
  for (const result of results) {
    if (result.status === "fulfilled") {
      ok += 1;
      continue;
    }
    const reason: unknown = result.reason;
    // A 404 for a guild the emulator does not know is still an answer within the limits.
    const status = typeof reason === "object" && reason !== null && "status" in reason ? String(reason.status) : "";
    if (status === "404") {
      ok += 1;
      continue;
    }
    const name = reason instanceof Error ? `${reason.name}${status ? ` ${status}` : ""}` : String(reason);
    errors[name] = (errors[name] ?? 0) + 1;
  }
  send({ type: "done", id: message.id, ok, failed: message.jobs.length - ok, errors, elapsedMs, warmupFailed, startedLateMs });
}

process.on("message", (raw: unknown) => {
  const parsed = runMessage.safeParse(raw);
  if (!parsed.success) {
    console.error("rest-worker: bad message", parsed.error.message);
    return;
  }
  void run(parsed.data);
});
process.on("disconnect", () => {
  for (const connection of connections.values()) connection.disconnect();
  process.exit(0);
});
send({ type: "ready" });
