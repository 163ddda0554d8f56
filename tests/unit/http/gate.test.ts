import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admitRequest, clientAddress, clientAddressHeader, maxRequestBodyBytes, sanitiseForwarding } from "@/lib/http/gate";

describe("clientAddress", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("6.6.6.6", "203.0.113.7", 0)).toBe("203.0.113.7");
    expect(clientAddress(undefined, "203.0.113.7", 0)).toBe("203.0.113.7");
  });
  it("behind trusted proxies, is the hop the first trusted proxy saw, not what the client wrote further left", () => {
    // client wrote 6.6.6.6; nginx (the peer) appended the client's real address 198.51.100.9
    expect(clientAddress("6.6.6.6, 198.51.100.9", "10.0.0.2", 1)).toBe("198.51.100.9");
    // two proxies: CDN appended the client, nginx appended the CDN
    expect(clientAddress("6.6.6.6, 198.51.100.9, 192.0.2.1", "10.0.0.2", 2)).toBe("198.51.100.9");
  });
  it("a rotating forged header never changes the address of a direct client", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (forged) => clientAddress(forged, "203.0.113.7", 0) === "203.0.113.7"));
  });
  it("behind one trusted proxy, whatever the client prepends, the address is the one the proxy appended", () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { maxLength: 5 }), (forged) => clientAddress([...forged, "198.51.100.9"].join(", "), "10.0.0.2", 1) === "198.51.100.9"),
    );
  });
});

describe("admitRequest", () => {
  it("lets small bodies and bodiless requests in", () => {
    expect(admitRequest("GET", {})).toBeNull();
    expect(admitRequest("POST", { "content-length": "120" })).toBeNull();
    expect(admitRequest("POST", { "content-length": String(maxRequestBodyBytes) })).toBeNull();
  });
  it("refuses a declared body over the limit before reading it", () => {
    expect(admitRequest("POST", { "content-length": String(maxRequestBodyBytes + 1) })).toMatchObject({ status: 413, code: "too_large" });
    expect(admitRequest("POST", { "content-length": "209715200" })).toMatchObject({ status: 413 });
  });
  it("refuses a body without a length (chunked), since it could be any size", () => {
    expect(admitRequest("POST", { "transfer-encoding": "chunked" })).toMatchObject({ status: 411, code: "length_required" });
  });
  it("refuses a malformed length and methods no route serves", () => {
    expect(admitRequest("POST", { "content-length": "12abc" })).toMatchObject({ status: 400 });
    expect(admitRequest("TRACE", {})).toMatchObject({ status: 405, code: "method_not_allowed" });
  });
});

describe("sanitiseForwarding", () => {
  it("drops every forwarded header a direct client wrote and records the socket's address", () => {
    const headers: Record<string, string | undefined> = {
      "x-forwarded-for": "6.6.6.6",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      [clientAddressHeader]: "1.2.3.4",
    };
    sanitiseForwarding(headers, "203.0.113.7", 0);
    expect(headers).toEqual({ "x-forwarded-for": "203.0.113.7", [clientAddressHeader]: "203.0.113.7" });
  });
  it("keeps a trusted proxy's host and scheme", () => {
    const headers: Record<string, string | undefined> = { "x-forwarded-for": "6.6.6.6, 198.51.100.9", "x-forwarded-host": "dashboard.example.org", "x-forwarded-proto": "https" };
    sanitiseForwarding(headers, "10.0.0.2", 1);
    expect(headers[clientAddressHeader]).toBe("198.51.100.9");
    expect(headers["x-forwarded-host"]).toBe("dashboard.example.org");
  });
});
