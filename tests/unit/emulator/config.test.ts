import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULTS, parseFlags, parseRouteLimitFlag, resolveConfig } from "@/emulator/config";

function options(argv: string[]) {
  const parsed = parseFlags(argv);
  if (parsed.help) throw new Error("unexpected --help");
  return parsed.options;
}

describe("emulator flags", () => {
  it("turns every flag into an option", () => {
    const parsed = options([
      "--port", "0",
      "--host", "::1",
      "--route-limit", "GET /users/@me/guilds/:guild_id/member=3/1.5",
      "--route-limit", "PUT /api/v10/guilds/:guild_id/members/:user_id/roles/:role_id=2/1",
      "--global-limit", "5",
      "--invalid-limit", "10",
      "--ban-seconds", "2",
      "--token-ttl", "1",
      "--redirect-uri", "http://localhost:3000/api/auth/callback/discord",
      "--redirect-uri", "http://127.0.0.1:4000/cb",
      "--client-id", "1400000000000000009",
      "--client-secret", "s3cret",
      "--bot-token", "bot-t",
    ]);
    expect(parsed).toEqual({
      port: 0,
      host: "::1",
      routeLimits: {
        "GET /users/@me/guilds/:guild_id/member": { count: 3, windowSeconds: 1.5 },
        "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 2, windowSeconds: 1 },
      },
      globalLimitPerSecond: 5,
      invalidLimit: 10,
      banSeconds: 2,
      tokenTtlSeconds: 1,
      redirectUris: ["http://localhost:3000/api/auth/callback/discord", "http://127.0.0.1:4000/cb"],
      clientId: "1400000000000000009",
      clientSecret: "s3cret",
      botToken: "bot-t",
    });
  });

  it("defaults to port 3001 and the .env.example credentials", () => {
    const config = resolveConfig(options([]));
    expect(config).toMatchObject({
      port: 3001,
      host: "127.0.0.1",
      globalLimitPerSecond: 50,
      invalidLimit: 10_000,
      banSeconds: 3600,
      tokenTtlSeconds: 604_800,
      clientId: "1400000000000000001",
      clientSecret: "emulator-client-secret",
      botToken: "emulator-bot-token",
      redirectUris: [],
    });
    expect(config.bucketLimits.get("GET /users/@me/guilds/:guild_id/member")).toEqual({ count: 5, windowSeconds: 60 });
    expect(config.bucketLimits.get("member-role")).toEqual({ count: 10, windowSeconds: 10 });
    expect(config.bucketLimits.get("GET /guilds/:guild_id/roles")).toEqual({ count: 5, windowSeconds: 5 });
  });

  it("applies a limit on one member-role route to the bucket both share", () => {
    const config = resolveConfig(options(["--route-limit", "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id=4/2"]));
    expect(config.bucketLimits.get("member-role")).toEqual({ count: 4, windowSeconds: 2 });
  });

  it.each([
    [["--port", "abc"], /--port: .*got "abc"/],
    [["--port", "70000"], /--port/],
    [["--global-limit", "0"], /--global-limit/],
    [["--invalid-limit", "1.5"], /--invalid-limit/],
    [["--ban-seconds", "-1"], /--ban-seconds/],
    [["--token-ttl", ""], /--token-ttl/],
    [["--redirect-uri", "ftp://example.com/cb"], /--redirect-uri/],
    [["--client-id", "abc"], /--client-id: must be a snowflake/],
    [["--route-limit", "GET /users/@me=5"], /--route-limit: expected/],
    [["--route-limit", "GET /nowhere=5/5"], /--route-limit: unknown route "GET \/nowhere"/],
    [["--route-limit", "GET /oauth2/authorize=5/5"], /not rate limited/],
    [["--route-limit", "GET /users/@me=0/5"], /--route-limit/],
    [
      [
        "--route-limit", "PUT /guilds/:guild_id/members/:user_id/roles/:role_id=1/1",
        "--route-limit", "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id=2/1",
      ],
      /share one bucket/,
    ],
    [["--no-such-flag"], /Unknown option '--no-such-flag'/],
    [["--port"], /--port/],
    [["stray"], /positional/i],
  ])("rejects %j with one clear line", (argv, message) => {
    let caught: unknown;
    try {
      parseFlags(argv);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).not.toContain("\n");
  });

  it("shows help instead of starting", () => {
    expect(parseFlags(["--help"])).toEqual({ help: true });
  });

  it("reads a route limit with its /api/v10 prefix or a trailing slash", () => {
    expect(parseRouteLimitFlag("get /api/v10/users/@me/=7/0.25")).toEqual(["GET /users/@me", { count: 7, windowSeconds: 0.25 }]);
  });
});

describe("the shared limit on a member's roles", () => {
  it("is off unless given, and reads '<count>/<seconds>' from its flag", () => {
    expect(resolveConfig({}).sharedMemberRoleLimit).toBeNull();
    expect(options(["--shared-member-role-limit", "3/10"]).sharedMemberRoleLimit).toEqual({ count: 3, windowSeconds: 10 });
    expect(resolveConfig({ sharedMemberRoleLimit: { count: 2, windowSeconds: 0.5 } }).sharedMemberRoleLimit).toEqual({ count: 2, windowSeconds: 0.5 });
  });

  it("refuses a malformed or zero limit with the flag's name", () => {
    expect(() => options(["--shared-member-role-limit", "3"])).toThrow(/--shared-member-role-limit/);
    expect(() => options(["--shared-member-role-limit", "0/10"])).toThrow(ConfigError);
  });
});

describe("emulator options", () => {
  it("rejects bad programmatic options with a readable message", () => {
    expect(() => resolveConfig({ globalLimitPerSecond: -1 })).toThrow(/globalLimitPerSecond/);
    expect(() => resolveConfig({ routeLimits: { "GET /users/@me": { count: 0, windowSeconds: 1 } } })).toThrow(ConfigError);
  });

  it("defaults the port to 0 when started in-process", () => {
    expect(resolveConfig({}).port).toBe(0);
    expect(DEFAULTS.port).toBe(3001);
  });
});
