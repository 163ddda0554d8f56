import type { Redis } from "ioredis";
import { z } from "zod";
import { gatewayKeyspace } from "@/lib/gateway";
import { fixture } from "../shared/fixture";

const snapshotSchema = z.object({ member: z.boolean(), roles: z.array(z.string()) });

/** How the mirror compares with the emulator: members it lacks, holds with other roles, or holds though they left. */
export type MirrorDiff = { compared: number; missing: string[]; wrongRoles: string[]; extra: string[] };

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((role, index) => role === right[index]);
}

/** Every member of the mirror's own truth (the members hash) against `expected`, the emulator's state (which does not list the bot). */
export async function compareMirror(redis: Redis, expected: ReadonlyMap<string, readonly string[]>): Promise<MirrorDiff> {
  const raw = await redis.hgetall(gatewayKeyspace(fixture.guildId).members);
  const diff: MirrorDiff = { compared: expected.size, missing: [], wrongRoles: [], extra: [] };
  for (const [userId, roles] of expected) {
    const record = raw[userId];
    if (record === undefined) {
      diff.missing.push(userId);
      continue;
    }
    const snapshot = snapshotSchema.parse(JSON.parse(record));
    if (!snapshot.member || !sameRoles(snapshot.roles, roles)) diff.wrongRoles.push(userId);
  }
  for (const [userId, record] of Object.entries(raw)) {
    if (userId === fixture.botUserId) continue;
    if (!expected.has(userId) && snapshotSchema.parse(JSON.parse(record)).member) diff.extra.push(userId);
  }
  return diff;
}

export function diffCount(diff: MirrorDiff): number {
  return diff.missing.length + diff.wrongRoles.length + diff.extra.length;
}

/** `used_memory` of INFO memory, bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  const match = /^used_memory:(\d+)/m.exec(info);
  if (!match) throw new Error("INFO memory has no used_memory");
  return Number(match[1]);
}

/** MEMORY USAGE (every sample) of each key matching `pattern`, summed, with how many keys matched. */
export async function memoryOfKeys(redis: Redis, pattern: string): Promise<{ keys: number; bytes: number }> {
  let cursor = "0";
  let keys = 0;
  let bytes = 0;
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
    cursor = next;
    if (batch.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of batch) pipeline.memory("USAGE", key, "SAMPLES", 0);
    for (const [error, size] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      bytes += Number(size ?? 0);
    }
    keys += batch.length;
  } while (cursor !== "0");
  return { keys, bytes };
}

export function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}
