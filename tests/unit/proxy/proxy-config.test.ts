import { describe, expect, it } from "vitest";
import { ProxyConfigError, parseProxyConfig, proxyDefaults } from "@/lib/discord/proxy/proxy-config";

const appEnv = { DISCORD_BOT_TOKEN: "bot-token", REDIS_URL: "redis://127.0.0.1:6379" };

describe("parseProxyConfig", () => {
  it("starts from the app's environment alone, on loopback", () => {
    expect(parseProxyConfig([], appEnv)).toEqual({
      host: "127.0.0.1",
      port: proxyDefaults.port,
      apiBase: "https://discord.com/api/v10",
      redis: { kind: "url", url: "redis://127.0.0.1:6379" },
      botTokens: ["bot-token"],
      allowBearer: false,
      deadlineMs: proxyDefaults.deadlineMs,
      maxBodyBytes: proxyDefaults.maxBodyBytes,
      globalPerSecond: 50,
    });
  });

  it("reads flags and extra bot tokens", () => {
    const config = parseProxyConfig(["--port", "0", "--host", "0.0.0.0", "--deadline-ms", "500", "--max-body-bytes", "2048", "--allow-bearer"], {
      ...appEnv,
      DISCORD_API_BASE: "http://127.0.0.1:3001/api/v10/",
      DISCORD_PROXY_BOT_TOKENS: " other-bot , bot-token ,",
    });
    expect(config).toMatchObject({ port: 0, host: "0.0.0.0", deadlineMs: 500, maxBodyBytes: 2_048, allowBearer: true, apiBase: "http://127.0.0.1:3001/api/v10", botTokens: ["bot-token", "other-bot"] });
  });

  it("asks Sentinel for the primary when REDIS_SENTINELS is set, as the app does", () => {
    const config = parseProxyConfig([], { ...appEnv, REDIS_SENTINELS: "127.0.0.1:26379,127.0.0.1:26380", REDIS_MASTER_NAME: "league", REDIS_PASSWORD: "data-secret" });
    expect(config).toMatchObject({
      redis: { kind: "sentinel", sentinels: [{ host: "127.0.0.1", port: 26_379 }, { host: "127.0.0.1", port: 26_380 }], masterName: "league", password: "data-secret" },
    });
  });

  it("names the bad flag or the missing variable", () => {
    expect(() => parseProxyConfig(["--port", "x"], appEnv)).toThrow(/--port/);
    expect(() => parseProxyConfig(["--deadline-ms", "-1"], appEnv)).toThrow(/--deadline-ms/);
    expect(() => parseProxyConfig(["--nope"], appEnv)).toThrow(ProxyConfigError);
    expect(() => parseProxyConfig([], { REDIS_URL: appEnv.REDIS_URL })).toThrow("DISCORD_BOT_TOKEN is missing");
    expect(() => parseProxyConfig([], { ...appEnv, REDIS_URL: "http://x" })).toThrow(/REDIS_URL/);
    expect(() => parseProxyConfig([], { DISCORD_BOT_TOKEN: "bot-token" })).toThrow("REDIS_URL is missing");
    expect(() => parseProxyConfig([], { ...appEnv, REDIS_SENTINELS: "127.0.0.1" })).toThrow(/^REDIS_SENTINELS has "127.0.0.1", which is not host:port/);
    expect(parseProxyConfig(["--help"], {})).toBe("help");
  });
});
