/**
 * The app's production entry point (`npm start`): Node's HTTP server with
 * the front door of lib/http/front-door.ts, then Next.js. What it does before
 * Next.js sees a request:
 * - a request to another host name than NEXTAUTH_URL's is sent there (GET
 *   and HEAD: 308; anything else: 421), except the health and metrics
 *   endpoints, which answer on any name;
 * - the client's address comes from the socket (or the configured trusted
 *   proxies), never from headers the client wrote;
 * - a body larger than our API takes, or one without a length, is refused
 *   before a byte of it is read; Node enforces the declared length;
 * - headers must arrive within 10 s and the whole request within 15 s;
 * - methods no route serves (TRACE) are answered here;
 * - a request Node cannot read (line and headers over 16 KiB, too slow, not
 *   HTTP) gets a JSON sentence saying why, not Node's empty answer.
 *
 * Every answer carries `X-SAFA-Instance` (SAFA_INSTANCE_ID, or host name and
 * port), so behind a load balancer an operator or a test can tell which
 * instance served a request.
 *
 * Flags: --port N (default PORT or 3000), --hostname H (default HOSTNAME or
 * 0.0.0.0), --dir D (the built app, default this checkout).
 */
import { createServer } from "node:http";
import { hostname as machineName } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import next from "next";
import { EnvError, parseEnv, type Env } from "../lib/env";
import { answerClientError, frontDoor } from "../lib/http/front-door";
import { gatePolicy, maxHeaderBytes } from "../lib/http/gate";

const { values } = parseArgs({ options: { port: { type: "string" }, hostname: { type: "string" }, dir: { type: "string" } } });

async function main(): Promise<void> {
  let env: Env;
  try {
    env = parseEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const hostname = values.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";
  const app = next({ dev: false, dir: resolve(values.dir ?? resolve(__dirname, "..")), hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const instanceId = process.env.SAFA_INSTANCE_ID || `${machineName()}:${port}`;
  const admit = frontDoor({ publicUrl: env.NEXTAUTH_URL, trustedProxyCount: env.TRUSTED_PROXY_COUNT, handle });

  const server = createServer(
    {
      headersTimeout: gatePolicy.headersTimeoutMs,
      requestTimeout: gatePolicy.requestTimeoutMs,
      connectionsCheckingInterval: gatePolicy.timeoutCheckIntervalMs,
      // Set here rather than left to Node's flags, so the 431's sentence states the limit in force.
      maxHeaderSize: maxHeaderBytes,
    },
    (request, response) => {
      response.setHeader("X-SAFA-Instance", instanceId);
      admit(request, response);
    },
  );
  server.on("clientError", (error: Error & { code?: string }, socket) => answerClientError(error, socket, { "X-SAFA-Instance": instanceId }));
  server.listen(port, hostname, () => console.log(`SAFA Dashboard listening on http://${hostname}:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
