import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { moduleLogger } from "../../log";
import { metrics } from "../../metrics";
import { createDiscordRest, type ForwardingDiscordRest, type RawAnswer } from "../rest/create-discord-rest";
import { BotTokenInvalidError, CloudflareBanError, DiscordTransportError, InvalidRequestBudgetError, RateLimitedError } from "../rest/errors";
import type { RestPolicy } from "../rest/policy";
import type { Transport } from "../rest/types";
import { forwardableHeaders, parseTarget } from "./incoming-request";
import { banAnswer, deadlineRateLimit, invalidBudgetAnswer, refusal, type LocalAnswer } from "./proxy-answers";
import type { ProxyConfig } from "./proxy-config";
import { proxyMetrics } from "./proxy-metrics";
import { readBody } from "./read-body";
import { createTokenAllowlist } from "./token-allowlist";

export type ProxyOptions = {
  config: ProxyConfig;
  redis: Redis;
  /** Tests inject one; production uses `fetch`. */
  transport?: Transport;
  /** Prefix of the shared Redis keys; the default is the dashboard's, so both meet on one state. */
  keyPrefix?: string;
  policy?: Partial<RestPolicy>;
  logger?: Logger;
};

export type ProxyHandle = { url: string; port: number; rest: ForwardingDiscordRest; close(): Promise<void> };

const proxyTimeouts = {
  /** Headers must arrive within this; a stalled client cannot hold a socket open. */
  headersTimeoutMs: 10_000,
  /** A large upload on a slow link gets this long for its whole body. */
  requestTimeoutMs: 120_000,
} as const;

/**
 * Starts the REST proxy: each request is checked locally (path, method,
 * token, body size), then waits for its slot in the shared state and goes to
 * Discord with the caller's own token; Discord's answer comes back as it
 * came. Answers the proxy writes itself carry `proxyGeneratedHeader`.
 */
export async function startProxy(options: ProxyOptions): Promise<ProxyHandle> {
  const { config } = options;
  const log = options.logger ?? moduleLogger("discord-proxy");
  const rest = createDiscordRest({
    redis: options.redis,
    botToken: config.botTokens[0],
    apiBase: config.apiBase,
    globalPerSecond: config.globalPerSecond,
    logger: log,
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
  });
  const allow = createTokenAllowlist(config.botTokens, config.allowBearer);
  const counters = proxyMetrics();
  counters.useInvalidCount(async () => (await rest.inspect()).invalidRequests.count);

  const answerLocally = (res: ServerResponse, route: string, answer: LocalAnswer): void => {
    counters.generated.inc({ reason: answer.reason });
    counters.requests.inc({ route, status: String(answer.status), scope: answer.headers["x-ratelimit-scope"] ?? "none", generated: "true" });
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  };

  const relay = (res: ServerResponse, answer: RawAnswer): void => {
    counters.waitSeconds.observe({ route: answer.template }, answer.waitedMs / 1_000);
    counters.requests.inc({ route: answer.template, status: String(answer.status), scope: answer.status === 429 ? (answer.headers.get("x-ratelimit-scope") ?? "unknown") : "none", generated: "false" });
    if (res.destroyed) return;
    const headers: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers[name] = value;
    });
    const cookies = answer.headers.getSetCookie();
    if (cookies.length > 0) headers["set-cookie"] = cookies;
    headers["content-length"] = String(answer.body.byteLength);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    if (url === "/healthz" && req.method === "GET") return health(res);
    if (url === "/metrics" && req.method === "GET") {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(text);
      return;
    }
    const target = parseTarget(req.method ?? "", url);
    if (!target.ok) return answerLocally(res, "invalid", withClose(refusal(target.status, target.reason, target.message), req));
    const verdict = allow(req.headers.authorization);
    if (!verdict.ok) return answerLocally(res, "unauthorized", withClose(refusal(401, verdict.reason, "401: Unauthorized"), req));
    const body = await readBody(req, config.maxBodyBytes);
    if (!body.ok) return answerLocally(res, "invalid", withClose(refusal(body.status, body.reason, body.message, body.status === 413 ? 40_005 : 0), req));

    const deadlineAt = Date.now() + config.deadlineMs;
    const gone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) gone.abort(new Error("the client closed the connection"));
    });
    try {
      // Changes to one path leave in the order they came: the client's ResourceOrder keeps them so (reads overlap).
      const answer = await rest.forward({
        method: target.method,
        path: target.path,
        apiVersion: target.version,
        auth: verdict.auth,
        headers: forwardableHeaders(req.headers),
        ...(body.bytes.byteLength === 0 ? {} : { body: body.bytes }),
        deadlineAt,
        signal: gone.signal,
      });
      relay(res, answer);
    } catch (error) {
      if (gone.signal.aborted) {
        counters.generated.inc({ reason: "client-gone" });
        return;
      }
      answerLocally(res, "forwarded", failureAnswer(error, log));
    }
  }

  async function health(res: ServerResponse): Promise<void> {
    const state = await rest.inspect().catch(() => undefined);
    const body = JSON.stringify({
      status: "ok",
      limits: state === undefined ? "unknown" : state.fallbackActive ? "local-fallback" : "shared",
      cloudflareBan: state?.cloudflareBan.open ?? false,
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }

  const server = createServer({ headersTimeout: proxyTimeouts.headersTimeoutMs, requestTimeout: proxyTimeouts.requestTimeoutMs }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, "proxy request failed");
      answerLocally(res, "invalid", refusal(500, "internal", "500: Internal Server Error"));
    });
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    rest,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rest.close();
    },
  };
}

/** A refused request whose body was not read: the connection is closed so the unread bytes cannot be taken for a next request. */
function withClose(answer: LocalAnswer, req: IncomingMessage): LocalAnswer {
  const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
  return req.complete || !hasBody ? answer : { ...answer, headers: { ...answer.headers, connection: "close" } };
}

/** The client's typed failures, each mapped once to the answer a Discord client understands. */
function failureAnswer(error: unknown, log: Logger): LocalAnswer {
  if (error instanceof RateLimitedError) return deadlineRateLimit(error.retryAfterMs, error.scope);
  if (error instanceof CloudflareBanError) return banAnswer(error.retryAfterMs);
  if (error instanceof InvalidRequestBudgetError) return invalidBudgetAnswer(error.retryAfterMs);
  if (error instanceof BotTokenInvalidError) return refusal(401, "token-locked", "401: Unauthorized (Discord refused this token; send a new one)");
  if (error instanceof DiscordTransportError) return refusal(502, "upstream-unreachable", "502: Discord did not answer");
  log.error({ err: error }, "proxy could not forward a request");
  return refusal(500, "internal", "500: Internal Server Error");
}
