import { STATUS_CODES, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { admitRequest, canonicalHostRefusal, clientErrorRefusal, sanitiseForwarding, type GateRefusal } from "./gate";

export type FrontDoorOptions = {
  /** NEXTAUTH_URL: the one address browsers use; requests to another host name are sent there. */
  publicUrl: string;
  trustedProxyCount: number;
  /** What answers the requests the gate lets in (Next.js). */
  handle: (request: IncomingMessage, response: ServerResponse) => unknown;
};

/** A refusal's headers and JSON body, the same whether a response object writes them or the socket does. */
function refusalAnswer(refusal: GateRefusal): { headers: Record<string, string>; body: string } {
  return {
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      // The unread body stays on the socket: close it rather than parse it as the next request.
      Connection: "close",
      ...refusal.headers,
    },
    body: JSON.stringify({ error: refusal.code, message: refusal.message }),
  };
}

function refuse(response: ServerResponse, refusal: GateRefusal): void {
  const { headers, body } = refusalAnswer(refusal);
  response.writeHead(refusal.status, headers);
  response.end(body);
}

/**
 * The request listener of every app process: the gate's checks in order,
 * then the app. The host name comes first, so nothing (no cookie, no rate
 * limit counted against the client) happens under a name the app does not
 * answer to.
 */
export function frontDoor({ publicUrl, trustedProxyCount, handle }: FrontDoorOptions): RequestListener {
  return (request, response) => {
    const method = request.method ?? "GET";
    const refusal = canonicalHostRefusal(method, request.url ?? "/", request.headers, publicUrl, trustedProxyCount) ?? admitRequest(method, request.headers);
    if (refusal) return refuse(response, refusal);
    sanitiseForwarding(request.headers, request.socket.remoteAddress ?? "unknown", trustedProxyCount);
    void handle(request, response);
  };
}

/**
 * The server's `clientError` listener: Node could not read a request (its
 * line and headers too long, too slow, not HTTP), so there is no response
 * object and the answer is written to the socket. It says why in the same
 * JSON as every other refusal, then closes. A socket already answering a
 * request (a timeout while the app writes its response) is only closed: a
 * second status line there would corrupt the first answer.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex, headers: Record<string, string> = {}): void {
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = clientErrorRefusal(error.code);
  const answer = refusalAnswer({ ...refusal, headers });
  const fields = { ...answer.headers, "Content-Length": String(Buffer.byteLength(answer.body)) };
  const head = [`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ""}`, ...Object.entries(fields).map(([name, value]) => `${name}: ${value}`)];
  socket.end(`${head.join("\r\n")}\r\n\r\n${answer.body}`);
}
