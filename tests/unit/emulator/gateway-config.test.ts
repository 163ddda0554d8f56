import { describe, expect, it } from "vitest";
import { ConfigError, USAGE, parseFlags, resolveConfig } from "../../../emulator/config";
import { GATEWAY_DEFAULTS } from "../../../emulator/gateway/options";

describe("gateway options and flags", () => {
  it("defaults to Discord's heartbeat and budget, GUILD_MEMBERS on and GUILD_PRESENCES off", () => {
    expect(resolveConfig({}).gateway).toEqual({
      heartbeatIntervalMs: 41_250,
      resumeWindowSeconds: 60,
      replayLimit: 1_000,
      sessionStartLimit: 1_000,
      maxConcurrency: 1,
      guildMembersIntent: true,
      guildPresencesIntent: false,
    });
    expect(resolveConfig({ gateway: { heartbeatIntervalMs: 250 } }).gateway).toEqual({ ...GATEWAY_DEFAULTS, heartbeatIntervalMs: 250 });
  });

  it("turns every gateway flag into an option, and leaves gateway out when none is given", () => {
    const parsed = parseFlags([
      "--heartbeat-interval", "500",
      "--resume-window", "2.5",
      "--replay-limit", "10",
      "--session-start-limit", "3",
      "--max-concurrency", "4",
      "--no-members-intent",
      "--presences-intent",
    ]);
    if (parsed.help) throw new Error("unexpected help");
    expect(parsed.options.gateway).toEqual({
      heartbeatIntervalMs: 500,
      resumeWindowSeconds: 2.5,
      replayLimit: 10,
      sessionStartLimit: 3,
      maxConcurrency: 4,
      guildMembersIntent: false,
      guildPresencesIntent: true,
    });
    const none = parseFlags([]);
    if (none.help) throw new Error("unexpected help");
    expect(none.options.gateway).toBeUndefined();
  });

  it("rejects bad values with one line naming the flag or option", () => {
    expect(() => parseFlags(["--heartbeat-interval", "0"])).toThrow(new ConfigError('--heartbeat-interval: must be at least 1 (got "0")'));
    expect(() => parseFlags(["--max-concurrency", "1.5"])).toThrow(/--max-concurrency: must be a whole number/);
    expect(() => resolveConfig({ gateway: { replayLimit: -1 } })).toThrow(/gateway\.replayLimit/);
  });

  it("documents every gateway flag in USAGE", () => {
    for (const flag of ["--heartbeat-interval", "--resume-window", "--replay-limit", "--session-start-limit", "--max-concurrency", "--no-members-intent", "--presences-intent"]) {
      expect(USAGE).toContain(flag);
    }
  });
});
