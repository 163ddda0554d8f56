/**
 * One "app instance" of the focus-storm bench: the role strategy named by
 * --strategy behind a minimal node:http server, not the full Next app.
 *
 *   GET /api/roles?user=<id>&session=<sid>  -> 200 { member, roles, fetchedAt, stale }
 *                                           -> 503 { error: "discord_busy", message, retryAfterSeconds }
 *   GET /healthz                            -> 200 { ok: true }
 *
 * The token secret comes from BENCH_TOKEN_SECRET (not argv, which `ps` shows).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { z } from "zod";
import { SessionExpiredError } from "@/lib/auth/errors";
import { createTokenStore } from "@/lib/auth/token-store";
import { createStrategy, strategyNames, type RoleStrategy, type StrategyAnswer } from "./strategies";

const options = z.object({
  strategy: z.enum(strategyNames),
  port: z.coerce.number().int().min(1).max(65_535),
  "redis-url": z.string().regex(/^redis:\/\//),
  "api-base": z.url(),
  "guild-id": z.string().regex(/^\d{17,20}$/),
  "client-id": z.string().min(1),
  "client-secret": z.string().min(1),
  secret: z.string().min(32),
});

const rolesQuery = z.object({ user: z.string().regex(/^\d{17,20}$/), session: z.string().min(1).max(200) });

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store", "Content-Length": Buffer.byteLength(text) });
  response.end(text);
}

function answerBody(answer: StrategyAnswer): { status: number; body: unknown } {
  if (answer.kind === "unavailable") {
    return { status: 503, body: { error: "discord_busy", message: answer.message, retryAfterSeconds: answer.retryAfterSeconds } };
  }
  return { status: 200, body: { member: answer.member, roles: answer.roles, fetchedAt: new Date(answer.fetchedAt).toISOString(), stale: answer.stale } };
}

async function handle(strategy: RoleStrategy, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? "/", "http://instance.invalid");
  if (request.method === "GET" && url.pathname === "/healthz") return send(response, 200, { ok: true });
  if (request.method !== "GET" || url.pathname !== "/api/roles") return send(response, 404, { error: "not_found" });
  const query = rolesQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return send(response, 400, { error: "bad_request", message: "user and session are required" });
  try {
    const { status, body } = answerBody(await strategy.lookup(query.data.user, query.data.session));
    send(response, status, body);
  } catch (error) {
    if (error instanceof SessionExpiredError) return send(response, 401, { error: "session_expired", message: error.message });
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    send(response, 500, { error: "internal", message: "Something went wrong on our side." });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      strategy: { type: "string" },
      port: { type: "string" },
      "redis-url": { type: "string" },
      "api-base": { type: "string" },
      "guild-id": { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
    },
  });
  const config = options.parse({ ...values, secret: process.env.BENCH_TOKEN_SECRET });
  const redis = new Redis(config["redis-url"], { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  const tokens = createTokenStore({
    redis,
    secret: config.secret,
    oauth: { apiBase: config["api-base"], clientId: config["client-id"], clientSecret: config["client-secret"] },
  });
  const strategy = createStrategy(config.strategy, { redis, apiBase: config["api-base"], guildId: config["guild-id"], tokens });
  const server = createServer((request, response) => void handle(strategy, request, response));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => server.listen(config.port, "127.0.0.1", done));
  console.log(`focus instance (${config.strategy}) listening on http://127.0.0.1:${config.port}`);

  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    redis.disconnect();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
