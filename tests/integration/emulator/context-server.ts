import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveConfig, type EmulatorOptions } from "@/emulator/config";
import { createContext, type EmulatorContext } from "@/emulator/context";
import type { GuildDispatch } from "@/emulator/guild-events";
import { createRequestListener } from "@/emulator/pipeline";

export const guildId = "1100000000000000001";
export const botAuth = { Authorization: "Bot emulator-bot-token" };

/**
 * The emulator's HTTP side on a context the test holds, so it can hear the
 * guild events bus directly (no Gateway needed) and move the clock.
 */
export async function listenOnContext(options: EmulatorOptions = {}) {
  const clock = { nowMs: 1_800_000_000_000 };
  const context: EmulatorContext = createContext(resolveConfig({ clock: () => clock.nowMs, ...options }));
  const server = createServer(createRequestListener(context));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const events: GuildDispatch[] = [];
  context.guildEvents.subscribe((event) => events.push(event));

  async function control(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${url}/__emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  return {
    context,
    url,
    api: `${url}/api/v10`,
    clock,
    /** Every event published since the start or the last `takeEvents()`, oldest first. */
    takeEvents: () => events.splice(0),
    control,
    async controlJson<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await control(method, path, body);
      if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type ContextServer = Awaited<ReturnType<typeof listenOnContext>>;
