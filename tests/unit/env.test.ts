import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";

function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(".env.example", "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) env[match[1]] = match[2];
  }
  return env;
}

describe("parseEnv", () => {
  it("accepts .env.example as it is", () => {
    const env = parseEnv(exampleEnv());
    expect(env.DISCORD_GUILD_ID).toBe("1100000000000000001");
    expect(env.TEAM_ROSTER_MAX).toBe(23);
  });
  it("names a missing variable in one line", () => {
    const env = exampleEnv();
    delete env.DISCORD_BOT_TOKEN;
    expect(() => parseEnv(env)).toThrowError(new EnvError("Configuration error: DISCORD_BOT_TOKEN is missing. See .env.example."));
  });
  it("names a malformed variable and says what is wrong", () => {
    expect(() => parseEnv({ ...exampleEnv(), DISCORD_GUILD_ID: "not-a-snowflake" })).toThrowError(/DISCORD_GUILD_ID must be a Discord snowflake/);
    expect(() => parseEnv({ ...exampleEnv(), NEXTAUTH_SECRET: "short" })).toThrowError(/NEXTAUTH_SECRET must be at least 32 characters/);
    expect(() => parseEnv({ ...exampleEnv(), REDIS_URL: "localhost:6379" })).toThrowError(/REDIS_URL must be a redis:\/\//);
  });
  it("strips a trailing slash from the API base", () => {
    expect(parseEnv({ ...exampleEnv(), DISCORD_API_BASE: "https://discord.com/api/v10/" }).DISCORD_API_BASE).toBe("https://discord.com/api/v10");
  });
});
