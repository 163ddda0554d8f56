import { describe, expect, it } from "vitest";
import { forwardableHeaders, parseTarget } from "@/lib/discord/proxy/incoming-request";
import { isTokenWebhook } from "@/lib/discord/rest/forward-raw";

describe("parseTarget", () => {
  it("splits the version from the path and keeps the query string as it came", () => {
    expect(parseTarget("GET", "/api/v10/guilds/1/members?limit=5&after=0")).toEqual({ ok: true, method: "GET", version: 10, path: "/guilds/1/members?limit=5&after=0" });
    expect(parseTarget("PUT", "/api/v9/guilds/1/members/2/roles/3")).toMatchObject({ ok: true, version: 9, path: "/guilds/1/members/2/roles/3" });
    expect(parseTarget("GET", "/api/v10/users/@me")).toMatchObject({ ok: true, path: "/users/@me" });
    expect(parseTarget("PUT", "/api/v10/channels/1/messages/2/reactions/%F0%9F%91%8D/@me")).toMatchObject({ ok: true });
  });

  it("refuses what is not a Discord API path of a supported version", () => {
    for (const url of ["/", "/metrics2", "/api/guilds/1", "/api/v8/guilds/1", "/api/v100/x", "/apix/v10/guilds"]) {
      expect(parseTarget("GET", url)).toMatchObject({ ok: false, status: 404 });
    }
  });

  it("refuses paths that could climb out of the API or smuggle characters", () => {
    for (const url of ["/api/v10/../admin", "/api/v10/guilds/./1", "/api/v10//guilds", "/api/v10/guilds/%2e%2e", "/api/v10/a%2Fb", "/api/v10/a%5cb", "/api/v10/a\\b", "/api/v10/a b", "/api/v10/x?q=a\r\nHost: evil"]) {
      expect(parseTarget("GET", url)).toMatchObject({ ok: false, status: 400, reason: "malformed-path" });
    }
  });

  it("takes only Discord's methods", () => {
    for (const method of ["OPTIONS", "HEAD", "TRACE", "CONNECT", "get"]) expect(parseTarget(method, "/api/v10/guilds/1")).toMatchObject({ ok: false, status: 405 });
  });
});

describe("forwardableHeaders", () => {
  it("keeps end-to-end headers and drops hop-by-hop ones, those the Connection header names, and credentials it sets itself", () => {
    const headers = forwardableHeaders({
      "content-type": "multipart/form-data; boundary=x",
      "x-audit-log-reason": "a%20reason",
      "user-agent": "DiscordBot (x, 1)",
      connection: "keep-alive, X-Private",
      "x-private": "1",
      "keep-alive": "timeout=5",
      "transfer-encoding": "chunked",
      "proxy-authorization": "Basic x",
      authorization: "Bot secret",
      host: "127.0.0.1:8090",
      "content-length": "12",
      "x-forwarded-for": "10.0.0.1",
    });
    expect([...headers.keys()].sort()).toEqual(["content-type", "user-agent", "x-audit-log-reason"]);
    expect(headers.get("content-type")).toBe("multipart/form-data; boundary=x");
  });
});

describe("isTokenWebhook", () => {
  const token = "a".repeat(68);
  it("is true for a webhook addressed with its token, with or without a sub-path or query", () => {
    expect(isTokenWebhook(`/webhooks/123/${token}`)).toBe(true);
    expect(isTokenWebhook(`/webhooks/123/${token}/messages/@original?wait=true`)).toBe(true);
  });
  it("is false for a webhook by id alone and for other routes", () => {
    expect(isTokenWebhook("/webhooks/123")).toBe(false);
    expect(isTokenWebhook("/channels/1/webhooks")).toBe(false);
    expect(isTokenWebhook(`/guilds/1/${token}`)).toBe(false);
  });
});
