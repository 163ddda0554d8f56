import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalHostRefusal, hostName } from "@/lib/http/gate";

const publicUrl = "http://127.0.0.1:3100";

describe("hostName", () => {
  it("drops the port and lower-cases, IPv6 literals keep their brackets", () => {
    expect(hostName("LocalHost:3000")).toBe("localhost");
    expect(hostName("127.0.0.1")).toBe("127.0.0.1");
    expect(hostName("[::1]:3000")).toBe("[::1]");
    expect(hostName("Dashboard.Example.org")).toBe("dashboard.example.org");
  });
});

describe("canonicalHostRefusal", () => {
  it("lets in a request to the public host name, whatever its port (instances on one name share its cookies)", () => {
    expect(canonicalHostRefusal("GET", "/", { host: "127.0.0.1:3100" }, publicUrl, 0)).toBeNull();
    expect(canonicalHostRefusal("POST", "/api/teams", { host: "127.0.0.1:41000" }, publicUrl, 0)).toBeNull();
    expect(canonicalHostRefusal("GET", "/", { host: "DASHBOARD.example.org" }, "https://dashboard.example.org", 0)).toBeNull();
  });

  it("sends a GET or HEAD under another name to the same path and query on the public origin", () => {
    expect(canonicalHostRefusal("GET", "/?error=OAuthCallback", { host: "localhost:3100" }, publicUrl, 0)).toMatchObject({
      status: 308,
      headers: { Location: "http://127.0.0.1:3100/?error=OAuthCallback" },
    });
    expect(canonicalHostRefusal("HEAD", "/admin", { host: "localhost:3100" }, publicUrl, 0)).toMatchObject({
      status: 308,
      headers: { Location: "http://127.0.0.1:3100/admin" },
    });
    expect(canonicalHostRefusal("GET", "/api/auth/callback/discord?code=a&state=b", { host: "10.0.0.7:3000" }, "https://dashboard.example.org", 0)).toMatchObject({
      status: 308,
      headers: { Location: "https://dashboard.example.org/api/auth/callback/discord?code=a&state=b" },
    });
  });

  it("refuses any other method under another name with 421 and a sentence naming the public origin", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const refusal = canonicalHostRefusal(method, "/api/auth/signin/discord", { host: "localhost:3100" }, publicUrl, 0);
      expect(refusal, method).toMatchObject({ status: 421, code: "misdirected_request" });
      expect(refusal?.message).toContain("http://127.0.0.1:3100");
      expect(refusal?.headers?.Location).toBeUndefined();
    }
  });

  it("answers the health check and the metrics scrape under any name", () => {
    expect(canonicalHostRefusal("GET", "/api/health", { host: "10.0.0.7:3000" }, publicUrl, 0)).toBeNull();
    expect(canonicalHostRefusal("GET", "/api/metrics", { host: "10.0.0.7:3000" }, publicUrl, 0)).toBeNull();
    expect(canonicalHostRefusal("GET", "/api/health/other", { host: "10.0.0.7:3000" }, publicUrl, 0)).toMatchObject({ status: 308 });
  });

  it("lets a request without a Host header through (HTTP/1.0: no name to compare)", () => {
    expect(canonicalHostRefusal("GET", "/", {}, publicUrl, 0)).toBeNull();
  });

  it("trusts X-Forwarded-Host only behind trusted proxies", () => {
    const behindProxy = { host: "app-internal:3000", "x-forwarded-host": "dashboard.example.org" };
    expect(canonicalHostRefusal("GET", "/", behindProxy, "https://dashboard.example.org", 1)).toBeNull();
    // A direct client cannot talk its way past the redirect with a forwarded header.
    expect(canonicalHostRefusal("GET", "/", { host: "localhost:3100", "x-forwarded-host": "127.0.0.1:3100" }, publicUrl, 0)).toMatchObject({ status: 308 });
    // Behind a proxy that reports another name, the public URL still wins.
    expect(canonicalHostRefusal("GET", "/x", { host: "dashboard.example.org", "x-forwarded-host": "www.dashboard.example.org" }, "https://dashboard.example.org", 1)).toMatchObject({
      headers: { Location: "https://dashboard.example.org/x" },
    });
  });

  it("builds the Location from the public URL alone: no header or request target can point it elsewhere", () => {
    const origin = "https://dashboard.example.org";
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.domain(), fc.constantFrom("GET", "HEAD"), (target, host, method) => {
        const refusal = canonicalHostRefusal(method, target, { host, "x-forwarded-host": "evil.example" }, origin, 0);
        if (refusal === null) return hostName(host) === "dashboard.example.org" || /^\/api\/(health|metrics)$/.test(new URL(target, "http://x").pathname);
        const location = refusal.headers?.Location ?? "";
        return location.startsWith(`${origin}/`) && new URL(location).origin === origin;
      }),
    );
    expect(canonicalHostRefusal("GET", "//evil.example/path", { host: "localhost" }, origin, 0)?.headers?.Location).toBe(`${origin}/path`);
    expect(canonicalHostRefusal("GET", "http://evil.example/path?q=1", { host: "localhost" }, origin, 0)?.headers?.Location).toBe(`${origin}/path?q=1`);
    expect(canonicalHostRefusal("GET", "x:.evil.example/path", { host: "localhost" }, origin, 0)?.headers?.Location).toBe(`${origin}/`);
  });
});
