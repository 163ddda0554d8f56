import { describe, expect, it } from "vitest";
import { readEnvExample } from "../../../scripts/env-example";
import { parseEnv } from "@/lib/env";
import { describeRedisTarget, parseSentinels, redisTargetFromEnv, RedisTargetError } from "@/lib/redis/target";

describe("redisTargetFromEnv", () => {
  it("uses REDIS_URL when no Sentinel is configured", () => {
    expect(redisTargetFromEnv({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_MASTER_NAME: "safa" })).toEqual({ kind: "url", url: "redis://127.0.0.1:6379" });
  });

  it("prefers the Sentinels over REDIS_URL and carries the name and passwords", () => {
    const target = redisTargetFromEnv({
      REDIS_URL: "redis://127.0.0.1:6379",
      REDIS_SENTINELS: " 10.0.0.1:26379, sentinel-b.internal:26380 ,[::1]:26381",
      REDIS_MASTER_NAME: "league",
      REDIS_PASSWORD: "data-secret",
      REDIS_SENTINEL_PASSWORD: "sentinel-secret",
    });
    expect(target).toEqual({
      kind: "sentinel",
      sentinels: [{ host: "10.0.0.1", port: 26_379 }, { host: "sentinel-b.internal", port: 26_380 }, { host: "::1", port: 26_381 }],
      masterName: "league",
      password: "data-secret",
      sentinelPassword: "sentinel-secret",
    });
    expect(describeRedisTarget(target)).toBe("sentinel league via 10.0.0.1:26379,sentinel-b.internal:26380,::1:26381");
  });

  it("names the master safa when REDIS_MASTER_NAME is empty, and leaves unset passwords out", () => {
    expect(redisTargetFromEnv({ REDIS_SENTINELS: "127.0.0.1:26379", REDIS_MASTER_NAME: "" })).toEqual({
      kind: "sentinel",
      sentinels: [{ host: "127.0.0.1", port: 26_379 }],
      masterName: "safa",
    });
  });

  it("says which variable is wrong in one sentence", () => {
    expect(() => redisTargetFromEnv({ REDIS_MASTER_NAME: "safa" })).toThrowError(new RedisTargetError("REDIS_URL is missing (or set REDIS_SENTINELS to use Redis Sentinel)."));
    for (const bad of ["127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "127.0.0.1:26379;10.0.0.2:26379", "host:port", "redis://127.0.0.1:26379"]) {
      expect(() => parseSentinels(bad), bad).toThrowError(/^REDIS_SENTINELS has ".+", which is not host:port; give host:port pairs separated by commas/);
    }
    expect(() => parseSentinels(" , ")).toThrowError(/^REDIS_SENTINELS lists no Sentinel/);
  });

  it("hides a password in a URL when describing it", () => {
    expect(describeRedisTarget({ kind: "url", url: "redis://:hunter2@10.0.0.5:6379/0" })).toBe("redis://***@10.0.0.5:6379/0");
  });
});

describe("parseEnv and the Redis variables", () => {
  const example = { ...readEnvExample(), SAFA_DEMO_MODE: "1" };

  it("needs REDIS_URL only when REDIS_SENTINELS is not set", () => {
    expect(() => parseEnv({ ...example, REDIS_URL: undefined })).toThrowError("Configuration error: REDIS_URL is missing. See .env.example.");
    expect(() => parseEnv({ ...example, REDIS_URL: "" })).toThrowError("Configuration error: REDIS_URL is missing. See .env.example.");
    const env = parseEnv({ ...example, REDIS_URL: "", REDIS_SENTINELS: "127.0.0.1:26379,127.0.0.1:26380" });
    expect(redisTargetFromEnv(env)).toMatchObject({ kind: "sentinel", masterName: "safa" });
  });

  it("refuses a malformed REDIS_SENTINELS at start-up, by name", () => {
    expect(() => parseEnv({ ...example, REDIS_SENTINELS: "127.0.0.1" })).toThrowError(/^Configuration error: REDIS_SENTINELS must be host:port pairs separated by commas/);
  });

  it("defaults the WAIT settings to no waiting and 500 ms", () => {
    const env = parseEnv({ ...example, REDIS_WAIT_REPLICAS: undefined, REDIS_WAIT_TIMEOUT_MS: undefined });
    expect(env.REDIS_WAIT_REPLICAS).toBe(0);
    expect(env.REDIS_WAIT_TIMEOUT_MS).toBe(500);
    expect(parseEnv({ ...example, REDIS_WAIT_REPLICAS: "1" }).REDIS_WAIT_REPLICAS).toBe(1);
    expect(() => parseEnv({ ...example, REDIS_WAIT_REPLICAS: "-1" })).toThrowError(/REDIS_WAIT_REPLICAS/);
  });
});
