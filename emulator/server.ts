import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveConfig, type EmulatorConfig, type EmulatorOptions } from "./config";
import { createContext, resetContext } from "./context";
import { createRequestListener } from "./pipeline";

export type { EmulatorOptions } from "./config";

export type EmulatorHandle = {
  /** `http://127.0.0.1:<port>`; the REST API lives under `${url}/api/v10`. */
  url: string;
  port: number;
  host: string;
  /** The resolved configuration, defaults included (client id, secret, bot token, limits). */
  config: EmulatorConfig;
  /** Same as `POST /__emulator/reset`, without a round trip. */
  reset(): void;
  /** Stops listening and drops open keep-alive connections. */
  close(): Promise<void>;
};

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** Starts a local Discord (OAuth2, REST, rate limits) with all state in memory. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const config = resolveConfig(options);
  const context = createContext(config);
  const server = createServer(createRequestListener(context));
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
    port,
    host: config.host,
    config,
    reset: () => resetContext(context),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
