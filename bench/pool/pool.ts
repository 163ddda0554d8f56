/**
 * The pool benchmark (npm run bench:pool): 5,000 free agents looking for a
 * team on a private redis-server, then pages of the pool read through the
 * lib call a route handler makes (`listPool`, not HTTP), without and with
 * filters and search, as a team's manager (so the team's open offers are
 * read too). Reports p50/p99 latency per kind of read.
 *
 *   npm run bench:pool              writes bench/results/pool.md
 *   npm run bench:pool -- --quick   500 agents, few reads: only proves the bench runs
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { productKeyspace } from "@/lib/actions/keys";
import type { PoolQuery } from "@/lib/pool/answer";
import { encodePoolEntry } from "@/lib/pool/entry";
import { listPool } from "@/lib/pool/list-pool";
import { countryCodes } from "@/lib/profile/countries";
import { platforms, positions } from "@/lib/profile/schema";
import { startRedisServer } from "../../scripts/redis-server";
import { writeResults } from "../shared/results";
import { percentile } from "../shared/stats";

const profiles = {
  full: { agents: 5_000, readsPerCase: 400, warmupReads: 50 },
  quick: { agents: 500, readsPerCase: 20, warmupReads: 5 },
} as const;

/** The kinds of page read measured: what a manager browsing the pool does. */
const cases: { name: string; query: PoolQuery }[] = [
  { name: "first page, no filter", query: {} },
  { name: "page 100, no filter", query: { page: 100 } },
  { name: "platform filter", query: { platform: "pc" } },
  { name: "platform + position + country", query: { platform: "xbox", position: "MID", country: "NG" } },
  { name: "search (gamer tag or name)", query: { q: "ace_1" } },
  { name: "search, no match", query: { q: "zzzz" } },
  { name: "page size 50, all filters", query: { pageSize: 50, platform: "playstation", position: "DEF", country: "GH" } },
];

const teamId = "1300000000000000001";
const manager = { id: "1300000000000000002", name: "Bench Manager" };
const commonCountries = ["NG", "GH", "ZA", "KE", "EG", "MA", "CM", "SN"] as const;

/** A seeded pseudo-random sequence, so every run fills the same pool. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function fill(redis: Redis, keys: ReturnType<typeof productKeyspace>, agents: number): Promise<void> {
  const random = seeded(14);
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const entries: string[] = [];
  for (let index = 0; index < agents; index += 1) {
    const userId = String(1_400_000_000_000_000_000n + BigInt(index));
    const country = random() < 0.8 ? choose(commonCountries) : choose(countryCodes);
    entries.push(userId, encodePoolEntry({ userId, gamerTag: `Ace_${index}`, platform: choose(platforms), position: choose(positions), country, name: `Player ${index}`, since: Date.now() - index * 1_000 }));
  }
  await redis.hset(keys.pool, ...entries);
  // The viewer manages a team with a full set of open offers, as a busy manager would.
  await redis.hset(keys.team(teamId), { id: teamId, name: "Bench FC", normalizedName: "bench fc", tag: "BFC", managerId: manager.id, createdBy: manager.id, createdAt: Date.now(), adopted: "0" });
  await redis.hset(keys.userTeam, manager.id, teamId);
  await redis.zadd(keys.teamOffers(teamId), ...Array.from({ length: 25 }, (_, index) => [Date.now() + 3_600_000, String(1_400_000_000_000_000_000n + BigInt(index * 7))]).flat());
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const profile = values.quick ? profiles.quick : profiles.full;
  const workDir = mkdtempSync(join(tmpdir(), "safa-bench-pool-"));
  const server = await startRedisServer({ dataDir: join(workDir, "redis") });
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    const keys = productKeyspace("bench:");
    await fill(redis, keys, profile.agents);
    const context = { redis, keys, now: Date.now };
    const rows: string[] = [];
    for (const { name, query } of cases) {
      for (let index = 0; index < profile.warmupReads; index += 1) await listPool(context, manager, query);
      const samples: number[] = [];
      let last = await listPool(context, manager, query);
      for (let index = 0; index < profile.readsPerCase; index += 1) {
        const started = performance.now();
        last = await listPool(context, manager, query);
        samples.push(performance.now() - started);
      }
      rows.push(`| ${name} | ${last.total} | ${last.players.length} | ${percentile(samples, 50).toFixed(2)} | ${percentile(samples, 99).toFixed(2)} |`);
    }
    const table = [
      `${profile.agents.toLocaleString("en")} free agents looking; ${profile.readsPerCase} timed reads per row (after ${profile.warmupReads} warm-up), one at a time, as a team's manager; redis-server on loopback.`,
      "",
      "| Page read | Matching | Shown | p50 ms | p99 ms |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...rows,
    ];
    process.stdout.write(`${table.join("\n")}\n`);
    if (!values.quick) {
      const path = writeResults("pool.md", "Free-agent pool: page reads", "npm run bench:pool", [
        ...table,
        "",
        "Each read loads every entry (one HVALS of compact delimited strings that name their users), filters and sorts in memory, checks the page's players against the rosters, and reads the manager's open offers.",
      ]);
      process.stdout.write(`written to ${path}\n`);
    }
  } finally {
    redis.disconnect();
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
