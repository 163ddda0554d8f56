import type { Redis } from "ioredis";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { checkReplicated, confirmReplicated, outcomeUnsure, requireReplicated } from "@/lib/actions/replication";
import { ApiError, errorStatus } from "@/lib/api/errors";

const log = pino({ level: "silent" });

/** A connection whose WAIT answers `confirmed` (or fails), recording what it was asked. */
function waitingRedis(answer: number | Error) {
  const wait = vi.fn<(replicas: number, timeoutMs: number) => Promise<number>>(async () => {
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return { redis: { wait } as unknown as Redis, wait };
}

describe("confirmReplicated", () => {
  it("sends nothing when no replica is wanted", async () => {
    const { redis, wait } = waitingRedis(0);
    expect(await confirmReplicated(redis, { replicas: 0, timeoutMs: 500 })).toEqual({ confirmed: 0, wanted: 0, ok: true });
    expect(wait).not.toHaveBeenCalled();
  });

  it("asks WAIT for the wanted replicas within the timeout, and is ok only when enough confirmed", async () => {
    const enough = waitingRedis(2);
    expect(await confirmReplicated(enough.redis, { replicas: 2, timeoutMs: 250 })).toEqual({ confirmed: 2, wanted: 2, ok: true });
    expect(enough.wait).toHaveBeenCalledWith(2, 250);
    expect((await confirmReplicated(waitingRedis(1).redis, { replicas: 2, timeoutMs: 250 })).ok).toBe(false);
  });
});

describe("checkReplicated", () => {
  it("is off without a policy", async () => {
    const { redis, wait } = waitingRedis(0);
    expect((await checkReplicated({ redis, log }, "commit")).ok).toBe(true);
    expect(wait).not.toHaveBeenCalled();
  });

  it("counts a WAIT that failed (the connection dropped in a failover) as no replica confirming", async () => {
    const { redis } = waitingRedis(new Error("Connection is closed."));
    expect(await checkReplicated({ redis, log, replication: { replicas: 1, timeoutMs: 100 } }, "commit")).toEqual({ confirmed: 0, wanted: 1, ok: false });
  });
});

describe("requireReplicated", () => {
  it("passes when the replicas confirmed", async () => {
    await expect(requireReplicated({ redis: waitingRedis(1).redis, log, replication: { replicas: 1, timeoutMs: 100 } }, "test")).resolves.toBeUndefined();
  });

  it("answers outcome_unsure, a 503 with Retry-After, telling the user to reload", async () => {
    const error = await requireReplicated({ redis: waitingRedis(0).redis, log, replication: { replicas: 1, timeoutMs: 100 } }, "test").then(
      () => null,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "outcome_unsure", status: 503, extra: { retryAfterSeconds: 3 } });
    expect((error as ApiError).message).toBe(outcomeUnsure().message);
    expect((error as ApiError).message).toMatch(/Reload in a few seconds/);
    expect(errorStatus.outcome_unsure).toBe(503);
  });
});
