import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { rolePolicy } from "@/lib/roles/policy";
import { roleKeys } from "@/lib/roles/service";
import { appServices, emulator, emulatorAndRedisPerTest, guildId, memberRoute, personas, roleIds, signIn, type TestEmulator } from "../../helpers/harness";
import type { WorkerAnswer } from "../../helpers/lookup-worker";

const run = promisify(execFile);

/**
 * Discord keeps the member lookup's bucket per user, not per token: a phone
 * and a laptop (two sessions, two tokens) spend one budget. The role service
 * must pace the user, whichever device and process asks.
 */
describe("role lookups paced per user across devices", () => {
  let redis: Redis;
  let emu: TestEmulator;
  const stack = emulatorAndRedisPerTest();
  beforeEach(() => ({ redis, emu } = stack));

  it("gives both devices of a user one pacing lock: the second device waits for the first's", async () => {
    const services = appServices(redis, emu);
    const phone = await signIn(emu, services, personas.player);
    const laptop = await signIn(emu, services, personas.player);
    expect(phone.access_token).not.toBe(laptop.access_token);

    const first = await services.roles.lookup(personas.player, phone.sessionId);
    expect(first.kind === "roles" && first.how).toBe("fresh");
    const lockMs = await redis.pttl(roleKeys.retryAfter(guildId, personas.player));
    expect(lockMs).toBeGreaterThan(10_000);

    const second = await services.roles.lookup(personas.player, laptop.sessionId);
    expect(second.kind).toBe("roles");
    if (second.kind !== "roles" || first.kind !== "roles") return;
    expect(second.how).toBe("paced");
    expect(second.snapshot).toEqual(first.snapshot);
    // The laptop is told when the phone's pace lets Discord be asked again, not "now".
    expect(second.nextRefreshAt).toBeGreaterThan(Date.now() + lockMs - 1_000);
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(1);
    // One lock for the user, none per token.
    expect(await redis.keys(`discord_roles_${guildId}_*_retry-after`)).toEqual([roleKeys.retryAfter(guildId, personas.player)]);
  });

  it("keeps another user's pace apart", async () => {
    const services = appServices(redis, emu);
    const player = await signIn(emu, services, personas.player);
    const manager = await signIn(emu, services, personas.manager);
    await services.roles.lookup(personas.player, player.sessionId);
    const other = await services.roles.lookup(personas.manager, manager.sessionId);
    expect(other.kind === "roles" && other.how).toBe("fresh");
    expect((await emu.stats()).routes[memberRoute]?.requests).toBe(2);
  });

  it("alternating devices of one user never meet a 429 and spend the bucket at most at its limit", async () => {
    const fast = await emulator({ routeLimits: { [memberRoute]: { count: 3, windowSeconds: 2 } } });
    try {
      const services = appServices(redis, fast);
      const phone = await signIn(fast, services, personas.manager);
      const laptop = await signIn(fast, services, personas.manager);
      const durationMs = 5_000;
      const deadline = Date.now() + durationMs;
      let fresh = 0;
      for (let turn = 0; Date.now() < deadline; turn += 1) {
        const answer = await services.roles.lookup(personas.manager, (turn % 2 === 0 ? phone : laptop).sessionId);
        expect(answer.kind).toBe("roles");
        if (answer.kind === "roles" && answer.how === "fresh") fresh += 1;
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      const stats = await fast.stats();
      expect(stats.rateLimited).toBe(0);
      // Paced (2 s + 1 s margin) / 3 apart: about 5 calls in 5 s, never more than the windows allow.
      const calls = stats.routes[memberRoute]?.requests ?? 0;
      expect(calls).toBe(fresh);
      expect(calls).toBeGreaterThanOrEqual(3);
      expect(calls).toBeLessThanOrEqual(3 * Math.ceil(durationMs / 2_000));
    } finally {
      await fast.close();
    }
  });

  it("two processes, two devices, several tabs each: 0 429s, the bucket spent at most at its limit, fresh roles throughout", async () => {
    const limit = { count: 3, windowSeconds: 2 };
    const fast = await emulator({ routeLimits: { [memberRoute]: limit } });
    try {
      const services = appServices(redis, fast);
      const phone = await signIn(fast, services, personas.player);
      const laptop = await signIn(fast, services, personas.player);
      const durationMs = 6_000;
      const startAt = Date.now() + 2_500;
      const worker = () =>
        run(
          "npx",
          ["tsx", "tests/helpers/lookup-worker.ts", inject("redisUrl"), fast.apiBase, personas.player, `${phone.sessionId},${laptop.sessionId}`, "3", String(startAt), String(durationMs)],
          { timeout: 40_000 },
        );
      const [a, b] = await Promise.all([worker(), worker()]);
      const answers = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)] as WorkerAnswer[];

      const stats = await fast.stats();
      expect(stats.rateLimited).toBe(0);
      const calls = stats.routes[memberRoute]?.requests ?? 0;
      // The windows that can open during the storm (the first call opens one), each spent at most to its limit.
      const windows = Math.ceil(durationMs / (limit.windowSeconds * 1_000)) + 1;
      expect(calls).toBeGreaterThanOrEqual(4);
      expect(calls).toBeLessThanOrEqual(limit.count * windows);

      // Both devices were served by both processes, every answer with the player's roles.
      expect(answers.length).toBeGreaterThan(100);
      expect(answers.filter((answer) => answer.how === "fresh")).toHaveLength(calls);
      for (const session of [0, 1]) expect(answers.some((answer) => answer.session === session && answer.how !== "error")).toBe(true);
      for (const answer of answers) {
        expect(answer.how === "unavailable" || answer.how === "error").toBe(false);
        if ("roles" in answer) expect(answer.roles).toContain(roleIds.player);
      }
      // One pace for the user: roles never older than (window + margin) / limit, plus scheduling slack.
      const oldestMs = Math.max(...answers.map((answer) => ("ageMs" in answer ? answer.ageMs : 0)));
      expect(oldestMs).toBeLessThanOrEqual((limit.windowSeconds * 1_000 + rolePolicy.exhaustedMarginMs) / limit.count + 600);
    } finally {
      await fast.close();
    }
  });
});
