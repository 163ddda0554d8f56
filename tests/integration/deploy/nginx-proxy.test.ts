import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/http/gate";
import { startNginx, type NginxHandle } from "../../../scripts/nginx";

/**
 * The deployment guide's nginx site (deploy/nginx/safa.conf), rendered and
 * run exactly as the HA stack runs it, in front of two stand-in apps that
 * report what reached them: requests spread over both, the live-update
 * stream passes each event the moment it is written, the forwarded headers
 * are the proxy's own, and bodies the app would refuse are refused first.
 */

type Seen = { instance: string; headers: IncomingHttpHeaders; body: string };

/** When the stand-in's event stream writes its first event, and how long it then waits before its second and last. */
const firstEventAfterMs = 200;
const eventGapMs = 800;

function standIn(instance: string, seen: Seen[]): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      seen.push({ instance, headers: request.headers, body });
      response.setHeader("X-SAFA-Instance", instance);
      if (request.url === "/api/events") {
        // The head goes out alone, as the app's does: an event written later is the one a buffering proxy would hold.
        response.writeHead(200, { "Content-Type": "text/event-stream" });
        response.write(": open\n\n");
        setTimeout(() => response.write("data: first\n\n"), firstEventAfterMs);
        setTimeout(() => response.end("data: second\n\n"), firstEventAfterMs + eventGapMs);
        return;
      }
      response.writeHead(200, { "Content-Type": "text/plain" });
      response.end(instance);
    });
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ server, port: (server.address() as { port: number }).port })));
}

/** A raw request, so the test chooses every header (fetch would not send a forged Host). */
function send(url: string, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; chunked?: boolean }) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((done, fail) => {
    const target = new URL(url);
    const outgoing = httpRequest({ host: target.hostname, port: target.port, method: options.method ?? "GET", path: options.path ?? "/", headers: options.headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => done({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on("error", fail);
    if (options.body !== undefined) {
      if (options.chunked) {
        outgoing.write(options.body.slice(0, 5));
        outgoing.write(options.body.slice(5));
      } else {
        outgoing.write(options.body);
      }
    }
    outgoing.end();
  });
}

describe("the nginx site of the deployment guide", () => {
  const seen: Seen[] = [];
  const servers: Server[] = [];
  let nginx: NginxHandle;
  let dataDir: string;

  beforeAll(async () => {
    const a = await standIn("a", seen);
    const b = await standIn("b", seen);
    servers.push(a.server, b.server);
    dataDir = mkdtempSync(join(tmpdir(), "safa-nginx-"));
    nginx = await startNginx({ dataDir, upstreams: [{ host: "127.0.0.1", port: a.port }, { host: "127.0.0.1", port: b.port }], quiet: true });
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("spreads requests over both instances", async () => {
    const instances = new Set<string>();
    for (let index = 0; index < 6; index += 1) {
      const response = await send(nginx.url, { path: "/api/health" });
      expect(response.status).toBe(200);
      instances.add(String(response.headers["x-safa-instance"]));
    }
    expect([...instances].sort()).toEqual(["a", "b"]);
  });

  it("passes each live-update event through at once, not when the stream ends", async () => {
    const startedAt = Date.now();
    const response = await fetch(`${nginx.url}/api/events`, { headers: { "accept-encoding": "gzip" } });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = "";
    while (!received.includes("data: first")) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += decoder.decode(chunk.value, { stream: true });
    }
    const firstAfterMs = Date.now() - startedAt;
    expect(received).toContain("data: first");
    expect(received).not.toContain("data: second");
    expect(firstAfterMs).toBeLessThan(firstEventAfterMs + eventGapMs / 2);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received += decoder.decode(chunk.value, { stream: true });
    expect(received).toContain("data: second");
  });

  it("writes the forwarded headers itself, so the app (TRUSTED_PROXY_COUNT=1) sees the real client and host", async () => {
    seen.length = 0;
    const response = await send(nginx.url, {
      path: "/dashboard",
      headers: { host: "safa.example:8443", "x-forwarded-for": "203.0.113.9", "x-forwarded-host": "evil.example", "x-real-ip": "203.0.113.9", forwarded: "for=203.0.113.9" },
    });
    expect(response.status).toBe(200);
    const headers = seen[0]!.headers;
    expect(headers.host).toBe("safa.example:8443");
    expect(headers["x-forwarded-host"]).toBe("safa.example:8443");
    expect(headers["x-forwarded-proto"]).toBe("http");
    expect(headers["x-real-ip"]).toBeUndefined();
    expect(headers.forwarded).toBeUndefined();
    // The client's own entry stays on the left; the one the proxy appended is what the app trusts.
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");
    expect(clientAddress(String(headers["x-forwarded-for"]), "127.0.0.1", 1)).toBe("127.0.0.1");
  });

  it("hands the app a chunked body with a Content-Length, which the app requires", async () => {
    seen.length = 0;
    const body = JSON.stringify({ gamerTag: "Chunked" });
    const response = await send(nginx.url, { method: "POST", path: "/api/profile", headers: { "content-type": "application/json", "transfer-encoding": "chunked" }, body, chunked: true });
    expect(response.status).toBe(200);
    expect(seen[0]!.headers["transfer-encoding"]).toBeUndefined();
    expect(seen[0]!.headers["content-length"]).toBe(String(body.length));
    expect(seen[0]!.body).toBe(body);
  });

  it("refuses a body over the app's 16,384 bytes before any app sees it", async () => {
    seen.length = 0;
    const response = await send(nginx.url, { method: "POST", path: "/api/profile", headers: { "content-type": "application/json", "content-length": "20000" }, body: "x".repeat(20_000) });
    expect(response.status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});
