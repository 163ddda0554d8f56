import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startRedisServer, type RedisServerHandle } from "../../scripts/redis-server";

let redis: RedisServerHandle | undefined;
let dataDir: string | undefined;

/** One private redis-server for the whole integration run; each test isolates itself by key prefix or flush. */
export async function setup(project: TestProject): Promise<void> {
  dataDir = mkdtempSync(join(tmpdir(), "safa-redis-"));
  redis = await startRedisServer({ dataDir });
  project.provide("redisUrl", redis.url);
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
