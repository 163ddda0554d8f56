import { request, type ClientRequest } from "node:http";
import { performance } from "node:perf_hooks";

/** One event as a browser's EventSource would hand it over, with when it arrived (performance.now()). */
export type ReceivedEvent = { event: string; data: string; id: string | null; receivedAt: number };

export type EventStream = {
  /** Resolves once the response headers came with status 200; rejects with the status otherwise. */
  opened: Promise<void>;
  /** Resolves when the server or `close()` ended the stream. */
  ended: Promise<void>;
  close(): void;
};

/** Splits a block of SSE lines into one event; comments and `retry:` alone make no event. */
function parseBlock(block: string, receivedAt: number): ReceivedEvent | null {
  let event = "message";
  let id: string | null = null;
  const data: string[] = [];
  let any = false;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
    else continue;
    any = true;
  }
  return any && data.length > 0 ? { event, data: data.join("\n"), id, receivedAt } : null;
}

/**
 * `GET /api/events` as a tab of the dashboard opens it: the session cookie,
 * `Sec-Fetch-Site: same-origin` and `Accept: text/event-stream`, each event
 * handed to `onEvent` as soon as its blank line arrives.
 */
export function openEventStream(url: string, cookie: string, onEvent: (event: ReceivedEvent) => void): EventStream {
  let req: ClientRequest | undefined;
  let finish: () => void = () => undefined;
  const ended = new Promise<void>((done) => (finish = done));
  const opened = new Promise<void>((resolve, reject) => {
    req = request(url, { method: "GET", headers: { Cookie: cookie, Accept: "text/event-stream", "Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors" } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        res.on("end", finish);
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      resolve();
      res.setEncoding("utf8");
      let pending = "";
      res.on("data", (chunk: string) => {
        const receivedAt = performance.now();
        pending += chunk.replace(/\r\n?/g, "\n");
        let end = pending.indexOf("\n\n");
        while (end !== -1) {
          const parsed = parseBlock(pending.slice(0, end), receivedAt);
          pending = pending.slice(end + 2);
          if (parsed) onEvent(parsed);
          end = pending.indexOf("\n\n");
        }
      });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    });
    req.on("error", (error) => {
      reject(error);
      finish();
    });
    req.end();
  });
  opened.catch(() => undefined);
  return {
    opened,
    ended,
    close: () => {
      req?.destroy();
      finish();
    },
  };
}
