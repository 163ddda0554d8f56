import { describe, expect, it } from "vitest";
import { readLimitedText } from "@/lib/api/read-body";

/** A request whose body arrives as the given chunks, one every `gapMs`, with no Content-Length. */
function streamed(chunks: Uint8Array[], gapMs = 0, onPull?: () => void, headers: Record<string, string> = {}): Request {
  let index = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      onPull?.();
      if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
  return new Request("http://app.test/api/teams", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readLimitedText", () => {
  it("reads a small body", async () => {
    expect(await readLimitedText(new Request("http://app.test/", { method: "POST", body: '{"name":"Lagos Lions"}' }))).toBe('{"name":"Lagos Lions"}');
  });
  it("refuses a declared Content-Length over the limit without reading a byte", async () => {
    let pulls = 0;
    const declared = streamed([new Uint8Array(10)], 0, () => (pulls += 1), { "content-length": "209715200" });
    await expect(readLimitedText(declared, { maxBytes: 1_000 })).rejects.toMatchObject({ status: 413, code: "too_large" });
    expect(pulls).toBe(0);
  });
  it("stops reading a stream as soon as it passes the limit, holding no more than one chunk past it", async () => {
    let pulls = 0;
    const chunks = Array.from({ length: 1_000 }, () => new Uint8Array(1_024));
    await expect(readLimitedText(streamed(chunks, 0, () => (pulls += 1)), { maxBytes: 4_096 })).rejects.toMatchObject({ status: 413 });
    expect(pulls).toBeLessThan(10);
  });
  it("gives up on a body that does not arrive in time", async () => {
    const slow = streamed([new Uint8Array(1), new Uint8Array(1), new Uint8Array(1)], 200);
    await expect(readLimitedText(slow, { timeoutMs: 250 })).rejects.toMatchObject({ status: 408, code: "body_timeout" });
  });
});
