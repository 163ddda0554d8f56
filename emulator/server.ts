import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveConfig, type EmulatorConfig, type EmulatorOptions } from "./config";
import { createContext, resetContext } from "./context";
import { createGateway } from "./gateway/server";
import { createRequestListener } from "./pipeline";

export type { EmulatorOptions } from "./config";

export type EmulatorHandle = {
  /** `http://127.0.0.1:<port>`; the REST API lives under `${url}/api/v10`. */
  url: string;
  /** `ws://127.0.0.1:<port>/gateway`, what `GET /gateway/bot` answers. */
  gatewayUrl: string;
  port: number;
  host: string;
  /** The resolved configuration, defaults included (client id, secret, bot token, limits). */
  config: EmulatorConfig;
  /** Same as `POST /__emulator/reset`, without a round trip. */
  reset(): void;
  /** Stops listening, drops open keep-alive connections and Gateway sockets. */
  close(): Promise<void>;
};

function formatHost(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function formatUrl(host: string, port: number): string {
  return `http://${formatHost(host, port)}`;
}

/** Starts a local Discord (OAuth2, REST, rate limits, the Gateway) with all state in memory. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const config = resolveConfig(options);
  const context = createContext(config);
  const server = createServer(createRequestListener(context));
  const gateway = createGateway(context, () => formatHost(config.host, (server.address() as AddressInfo | null)?.port ?? config.port));
  context.gateway = gateway.port;
  server.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: formatUrl(config.host, port),
    gatewayUrl: `ws://${formatHost(config.host, port)}/gateway`,
    port,
    host: config.host,
    config,
    reset: () => resetContext(context),
    close: () =>
      new Promise<void>((resolve, reject) => {
        gateway.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
