import { maxRequestBodyBytes } from "@/lib/http/gate";
import { ApiError } from "./errors";

/** How long a body may take to arrive once the handler asks for it. */
export const bodyArrivalTimeoutMs = 10_000;

/**
 * Reads a request body as text without ever holding more than `maxBytes`:
 * refused at once on a larger `Content-Length`, otherwise counted while it
 * streams and cut off as soon as it passes the limit, or when it has not
 * arrived within `timeoutMs`. The front door (server/main.ts) refuses the
 * same earlier; this holds wherever the app runs.
 */
export async function readLimitedText(request: Request, options: { maxBytes?: number; timeoutMs?: number } = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? maxRequestBodyBytes;
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError("body_timeout", "The request body took too long to arrive. Please try again.")), options.timeoutMs ?? bodyArrivalTimeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), deadline]);
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) throw tooLarge(maxBytes);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error instanceof ApiError ? error : new ApiError("unreadable_body", "The request body could not be read. Please try again.");
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("too_large", `The request body is too large (at most ${maxBytes} bytes).`);
}
