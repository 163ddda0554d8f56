import { describe, expect, it } from "vitest";
import { readEnvExample } from "../../../scripts/env-example";
import { readFileSync } from "node:fs";
import { EnvError, envVariableNames, parseEnv, publishedDemoSecrets } from "@/lib/env";

describe("parseEnv", () => {
  it("accepts .env.example as it is when the demo says it is the demo", () => {
    const env = parseEnv({ ...readEnvExample(), SAFA_DEMO_MODE: "1" });
    expect(env.DISCORD_GUILD_ID).toBe("1100000000000000001");
    expect(env.TEAM_ROSTER_MAX).toBe(23);
  });
  it("names a missing variable in one line", () => {
    const env: Record<string, string> = { ...readEnvExample(), SAFA_DEMO_MODE: "1" };
    delete env.DISCORD_BOT_TOKEN;
    expect(() => parseEnv(env)).toThrowError(new EnvError("Configuration error: DISCORD_BOT_TOKEN is missing. See .env.example."));
  });
  it("names a malformed variable and says what is wrong", () => {
    expect(() => parseEnv({ ...readEnvExample(), DISCORD_GUILD_ID: "not-a-snowflake" })).toThrowError(/DISCORD_GUILD_ID must be a Discord snowflake/);
    expect(() => parseEnv({ ...readEnvExample(), NEXTAUTH_SECRET: "short" })).toThrowError(/NEXTAUTH_SECRET must be at least 32 characters/);
    expect(() => parseEnv({ ...readEnvExample(), REDIS_URL: "localhost:6379" })).toThrowError(/REDIS_URL must be a redis:\/\//);
  });
  it("has every variable documented in .env.example", () => {
    const example = readFileSync(".env.example", "utf8");
    for (const name of envVariableNames) expect(example, name).toMatch(new RegExp(`^#? ?${name}=|\\b${name}\\b`, "m"));
  });
  it("refuses the published demo session secret unless SAFA_DEMO_MODE=1", () => {
    const example = readEnvExample();
    expect(publishedDemoSecrets).toContain(example.NEXTAUTH_SECRET);
    expect(() => parseEnv(example)).toThrowError(new EnvError(
      "Configuration error: NEXTAUTH_SECRET is a published demo value that anyone could sign sessions with; set your own (openssl rand -base64 32). See .env.example.",
    ));
    expect(() => parseEnv({ ...example, SAFA_DEMO_MODE: "0" })).toThrowError(/NEXTAUTH_SECRET is a published demo value/);
    expect(() => parseEnv({ ...example, NEXTAUTH_SECRET: "integration-test-secret-0123456789abcdef" })).toThrowError(/published demo value/);
    expect(parseEnv({ ...example, NEXTAUTH_SECRET: "a-secret-of-this-deployment-only-7f3a9c" }).SAFA_DEMO_MODE).toBe("0");
    expect(() => parseEnv({ ...example, SAFA_DEMO_MODE: "yes" })).toThrowError(/SAFA_DEMO_MODE must be "0" or "1"/);
  });
  it("strips a trailing slash from the API base", () => {
    expect(parseEnv({ ...readEnvExample(), SAFA_DEMO_MODE: "1", DISCORD_API_BASE: "https://discord.com/api/v10/" }).DISCORD_API_BASE).toBe("https://discord.com/api/v10");
  });
});
