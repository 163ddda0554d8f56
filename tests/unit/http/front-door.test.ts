import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerClientError, frontDoor } from "@/lib/http/front-door";
import { clientAddressHeader, maxHeaderBytes } from "@/lib/http/gate";

/**
 * The front door on a real Node server, with a stand-in for Next.js that
 * echoes what reached it: the order of the checks and what is written on
 * the wire (status, Location, the connection closed on a refusal).
 */
const publicUrl = "http://127.0.0.1:3100";
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer(
    // Short timeouts, so a stalled request is cut off within the test.
    { headersTimeout: 600, requestTimeout: 600, connectionsCheckingInterval: 100 },
    frontDoor({
      publicUrl,
      trustedProxyCount: 0,
      handle: (request, response) => {
        // As the app does: a body is read to its end before the answer.
        request.resume();
        request.on("end", () => {
          response.writeHead(200, { "Content-Type": "application/json" });
          response.end(JSON.stringify({ reached: request.url, address: request.headers[clientAddressHeader], forwardedHost: request.headers["x-forwarded-host"] ?? null }));
        });
      },
    }),
  );
  server.on("clientError", (error: Error & { code?: string }, socket) => answerClientError(error, socket, { "X-SAFA-Instance": "test" }));
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
});

type Answer = { status: number; headers: IncomingHttpHeaders; body: string };

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: "127.0.0.1", port, method, path, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

describe("the front door", () => {
  it("passes a request to the public host name (any port) to the app, with the client's address set", async () => {
    const answer = await send("GET", "/?a=1", { host: `127.0.0.1:${port}`, "x-forwarded-host": "evil.example" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ reached: "/?a=1", address: "127.0.0.1", forwardedHost: null });
  });

  it("redirects a page opened at localhost to the public URL, path and query kept, before the app sees it", async () => {
    const answer = await send("GET", "/?error=OAuthCallback", { host: `localhost:${port}` });
    expect(answer.status).toBe(308);
    expect(answer.headers.location).toBe("http://127.0.0.1:3100/?error=OAuthCallback");
    expect(answer.body).not.toContain("reached");
    const head = await send("HEAD", "/admin", { host: `localhost:${port}` });
    expect(head).toMatchObject({ status: 308, body: "" });
    expect(head.headers.location).toBe("http://127.0.0.1:3100/admin");
  });

  it("answers a form post to another name with 421 and a sentence, unread, and closes the connection", async () => {
    const form = "csrfToken=abc&callbackUrl=%2F";
    const answer = await send("POST", "/api/auth/signin/discord", { host: `localhost:${port}`, "content-type": "application/x-www-form-urlencoded", "content-length": String(form.length) }, form);
    expect(answer.status).toBe(421);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toEqual({ error: "misdirected_request", message: "This address is not the SAFA Dashboard's own; send the request to http://127.0.0.1:3100." });
  });

  it("answers the health check under any name", async () => {
    const answer = await send("GET", "/api/health", { host: "10.1.2.3:8080" });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ reached: "/api/health" });
  });

  it("still applies the other checks on the public name", async () => {
    expect((await send("TRACE", "/", { host: `127.0.0.1:${port}` })).status).toBe(405);
    expect((await send("POST", "/api/teams", { host: `127.0.0.1:${port}`, "content-length": "999999" })).status).toBe(413);
  });
});

/** Writes raw bytes, leaves the connection open, and reads everything the server sends until it closes. */
function sendRaw(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** The status line, the headers (lower-cased names) and the JSON body of a raw answer. */
function parseRaw(raw: string): { statusLine: string; headers: Record<string, string>; body: unknown } {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
  return { statusLine, headers, body: JSON.parse(body) };
}

describe("a request Node cannot read", () => {
  it("answers an address and headers over 16 KiB with 431 and a sentence, not Node's empty answer", async () => {
    const query = "x=" + "%F0%9F%98%80".repeat(Math.ceil(maxHeaderBytes / 12));
    const answer = parseRaw(await sendRaw(`GET /api/teams?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
    expect(answer.statusLine).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(answer.headers).toMatchObject({ "content-type": "application/json", connection: "close", "x-safa-instance": "test" });
    expect(answer.body).toEqual({ error: "headers_too_large", message: "The request's address and headers are too long (at most 16384 bytes together). Use a shorter address." });
  });

  it("still serves an address just under the limit", async () => {
    const answer = await send("GET", `/api/teams?x=${"a".repeat(maxHeaderBytes - 1_024)}`, { host: `127.0.0.1:${port}` });
    expect(answer.status).toBe(200);
  });

  it("answers bytes that are not HTTP with 400 and a sentence", async () => {
    const answer = parseRaw(await sendRaw("HELLO THERE\r\n\r\n"));
    expect(answer.statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(answer.body).toEqual({ error: "malformed_request", message: "The request could not be read as HTTP." });
  });

  it("answers a request whose headers never finish with 408 and a sentence", async () => {
    const answer = parseRaw(await sendRaw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `));
    expect(answer.statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(answer.body).toEqual({ error: "request_timeout", message: "The request took too long to arrive. Send it again." });
  });

  it("answers a body that never finishes with 408 and a sentence, after the app took the request", async () => {
    const answer = parseRaw(await sendRaw(`POST /api/teams HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`));
    expect(answer.statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(answer.body).toMatchObject({ error: "request_timeout" });
  });
});
