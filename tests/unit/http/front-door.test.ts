import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frontDoor } from "@/lib/http/front-door";
import { clientAddressHeader } from "@/lib/http/gate";

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
    frontDoor({
      publicUrl,
      trustedProxyCount: 0,
      handle: (request, response) => {
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ reached: request.url, address: request.headers[clientAddressHeader], forwardedHost: request.headers["x-forwarded-host"] ?? null }));
      },
    }),
  );
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
