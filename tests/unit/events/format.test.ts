import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { beforeAnyNotice, compareNoticeIds, formatComment, formatEvent, formatRetry, parseLastEventId } from "@/lib/events/format";

/** What an EventSource makes of a chunk of the stream: its events, as the spec's parser reads them. */
function parseStream(text: string): { event: string; id: string | null; data: string }[] {
  const events: { event: string; id: string | null; data: string }[] = [];
  for (const block of text.split("\n\n")) {
    let event = "message";
    let id: string | null = null;
    const data: string[] = [];
    let seen = false;
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "id") id = value;
      else if (field === "data") data.push(value);
      else continue;
      seen = true;
    }
    if (seen) events.push({ event, id, data: data.join("\n") });
  }
  return events;
}

describe("formatEvent", () => {
  it("writes the name, the id and the data as one JSON line, ended by a blank line", () => {
    expect(formatEvent({ event: "roles", id: "1700000000000-3", data: { view: "player" } })).toBe('event: roles\nid: 1700000000000-3\ndata: {"view":"player"}\n\n');
    expect(formatEvent({ event: "ready", data: {} })).toBe("event: ready\ndata: {}\n\n");
  });

  it("no data, however hostile, adds a field or an event of its own", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, text) => {
        const parsed = parseStream(formatEvent({ event: "team", id: "5-0", data: { name, text } }));
        expect(parsed).toHaveLength(1);
        expect(parsed[0]).toEqual({ event: "team", id: "5-0", data: JSON.stringify({ name, text }) });
        expect(JSON.parse(parsed[0]?.data ?? "")).toEqual({ name, text });
      }),
    );
  });

  it("refuses an event name or an id that could break the framing", () => {
    expect(() => formatEvent({ event: "roles\ndata: x", data: {} })).toThrow();
    expect(() => formatEvent({ event: "roles", id: "1-0\nevent: evil", data: {} })).toThrow();
  });
});

describe("formatComment and formatRetry", () => {
  it("a comment is ignored by the parser, even with line breaks in it", () => {
    expect(parseStream(formatComment("keep\nalive\r\nnow"))).toEqual([]);
    expect(formatComment("keep-alive")).toBe(": keep-alive\n\n");
  });
  it("the retry field is whole milliseconds", () => {
    expect(formatRetry(3_000.4)).toBe("retry: 3000\n\n");
  });
});

describe("parseLastEventId", () => {
  it("takes a Redis stream id", () => {
    expect(parseLastEventId("1700000000000-0")).toBe("1700000000000-0");
    expect(parseLastEventId(" 1700000000000-12 ")).toBe("1700000000000-12");
    expect(parseLastEventId(beforeAnyNotice)).toBe("0-0");
  });
  it("treats anything else as a fresh start", () => {
    for (const header of [null, "", "abc", "1700000000000", "-1-0", "1-0-0", "1e3-0", "1".repeat(16) + "-0", "1-0; DROP"]) expect(parseLastEventId(header)).toBeNull();
  });
});

describe("compareNoticeIds", () => {
  it("orders by time, then by sequence, numerically (not as text)", () => {
    expect(compareNoticeIds("9-0", "10-0")).toBeLessThan(0);
    expect(compareNoticeIds("10-2", "10-10")).toBeLessThan(0);
    expect(compareNoticeIds("10-10", "10-2")).toBeGreaterThan(0);
    expect(compareNoticeIds("10-1", "10-1")).toBe(0);
  });
  it("agrees with the order of the numbers it is made of", () => {
    const part = fc.bigInt({ min: 0n, max: 999_999_999_999_999n });
    fc.assert(
      fc.property(part, part, part, part, (aMs, aSeq, bMs, bSeq) => {
        const expected = aMs === bMs ? Math.sign(Number(aSeq - bSeq)) : Math.sign(Number(aMs - bMs));
        expect(Math.sign(compareNoticeIds(`${aMs}-${aSeq}`, `${bMs}-${bSeq}`))).toBe(expected);
      }),
    );
  });
});
