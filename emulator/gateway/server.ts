/**
 * The Gateway's socket server: takes the HTTP server's `upgrade` requests for `/gateway`,
 * refuses what the emulator does not speak, and hands each socket to a connection.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { GatewayCloseCodes } from "discord-api-types/v10";
import { WebSocketServer } from "ws";
import type { EmulatorContext, GatewayPort } from "../context";
import { openConnection } from "./connection";
import { gatewayControl, gatewayStats } from "./control";
import { createGatewayCore } from "./core";
import { GATEWAY_PATH, GATEWAY_VERSION, gatewayUrl } from "./protocol";

/** Bigger than Discord's 4096 so oversized payloads get Discord's 4002, not the ws library's 1009. */
const SOCKET_MAX_PAYLOAD_BYTES = 65_536;

export type Gateway = {
  port: GatewayPort;
  /** For the HTTP server's `upgrade` event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Cuts every socket and stops listening to the guild. */
  close(): void;
};

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ message, code: 0 });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Only JSON without transport compression: `encoding=etf` and `compress=...` are refused
 * before the upgrade (400), so a client set up for them fails loudly instead of misreading frames.
 */
function unsupportedQuery(url: URL): string | undefined {
  const encoding = url.searchParams.get("encoding");
  if (encoding !== null && encoding !== "json") return `encoding=${encoding} is not supported by the emulator; use encoding=json`;
  if (url.searchParams.has("compress")) return "transport compression is not supported by the emulator; connect without compress";
  return undefined;
}

export function createGateway(context: EmulatorContext, fallbackHost: () => string): Gateway {
  const core = createGatewayCore(context);
  const server = new WebSocketServer({ noServer: true, maxPayload: SOCKET_MAX_PAYLOAD_BYTES, perMessageDeflate: false });

  return {
    port: {
      stats: () => gatewayStats(core),
      control: (action, body) => gatewayControl(core, action, body),
    },
    handleUpgrade(request, socket, head) {
      // A client that goes away mid-handshake must not take the emulator down with it.
      socket.on("error", () => socket.destroy());
      const url = new URL(request.url ?? "/", "http://emulator.invalid");
      if (url.pathname.replace(/\/$/, "") !== GATEWAY_PATH) return refuseUpgrade(socket, 404, "Not Found", "404: Not Found");
      const unsupported = unsupportedQuery(url);
      if (unsupported) return refuseUpgrade(socket, 400, "Bad Request", unsupported);
      server.handleUpgrade(request, socket, head, (webSocket) => {
        const version = url.searchParams.get("v");
        if (version !== null && version !== String(GATEWAY_VERSION)) {
          core.stats.closed(GatewayCloseCodes.InvalidAPIVersion);
          webSocket.close(GatewayCloseCodes.InvalidAPIVersion, "Invalid API version.");
          return;
        }
        openConnection(core, webSocket, { resumeGatewayUrl: gatewayUrl(request.headers.host, fallbackHost()) });
      });
    },
    close() {
      // Every socket, including those halfway through a close handshake, so no timer outlives the emulator.
      for (const webSocket of server.clients) webSocket.terminate();
      core.dispose();
      server.close();
    },
  };
}
