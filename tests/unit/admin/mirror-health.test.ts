import { describe, expect, it, vi } from "vitest";

/** The app's Redis connection, replaced by a hash read that answers as each test says. */
const statusRead = { hgetall: (): Promise<Record<string, string>> => Promise.resolve({}) };
vi.mock("@/lib/redis/client", () => ({ getRedis: () => statusRead }));
vi.mock("@/lib/env", () => ({ getEnv: () => ({ DISCORD_GUILD_ID: "1100000000000000001" }) }));

const { mirrorHealth, readAppMirrorStatus } = await import("@/lib/admin/mirror-health");

describe("the app's read of the mirror status", () => {
  it("reads the status hash of the configured guild", async () => {
    const keys: string[] = [];
    statusRead.hgetall = (...args: unknown[]) => {
      keys.push(String(args[0]));
      return Promise.resolve({ leaderId: "gw-a", heartbeatAt: String(Date.now()), resync: "done", resyncDoneAt: "1", membersMirrored: "3" });
    };
    expect(await readAppMirrorStatus()).toMatchObject({ live: true, leaderId: "gw-a", membersMirrored: 3 });
    expect(keys).toEqual(["safa:gateway:1100000000000000001:status"]);
  });

  it("fails open to unreadable when Redis refuses or does not answer within a second", async () => {
    statusRead.hgetall = () => Promise.reject(new Error("Connection is closed."));
    expect(await readAppMirrorStatus()).toBeNull();

    statusRead.hgetall = () => new Promise(() => undefined);
    const started = Date.now();
    const mirror = await mirrorHealth();
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(mirror).toMatchObject({ statusRead: false, live: false, reasons: ["the mirror's status could not be read from Redis"] });
  });
});
