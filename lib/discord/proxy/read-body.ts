import type { IncomingMessage } from "node:http";

export type BodyVerdict = { ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; status: 400 | 413; reason: string; message: string };

/**
 * Reads a request body up to `maxBytes`, as bytes (a multipart upload must
 * reach Discord unchanged). A declared length over the limit is refused
 * before a byte is read; a chunked body is cut off as soon as it passes it.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyVerdict> {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    if (!/^\d{1,15}$/.test(declared.trim())) return { ok: false, status: 400, reason: "bad-content-length", message: "400: Bad Request (Content-Length is not a number)" };
    if (Number(declared) > maxBytes) return tooLarge(maxBytes);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", reject);
    };
    // Paused, not destroyed: the socket must stay open for the 413 (sent with Connection: close).
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      req.pause();
      resolve(tooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, bytes: concat(chunks, size) });
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

function concat(chunks: Buffer[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(new ArrayBuffer(size));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): BodyVerdict {
  return { ok: false, status: 413, reason: "too-large", message: `Request entity too large (at most ${maxBytes} bytes)` };
}
