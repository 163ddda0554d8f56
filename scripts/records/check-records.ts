/**
 * checkProductRecords as a command, for callers outside vitest (Playwright,
 * the load bench), which cannot import the product's `server-only` modules
 * themselves: it runs with the `react-server` condition, as the server does.
 * Use it through `recordsReport` (records-report.ts); by hand:
 *
 *   node --conditions=react-server --import tsx scripts/records/check-records.ts \
 *     --redis-url redis://127.0.0.1:6379 [--prefix safa:] [--guild-id ID] [--roster-max N]
 *
 * Prints the report as one line of JSON.
 */
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { checkProductRecords } from "./product-records";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { "redis-url": { type: "string" }, prefix: { type: "string", default: "safa:" }, "guild-id": { type: "string", default: "1100000000000000001" }, "roster-max": { type: "string" } },
  });
  if (!values["redis-url"]) throw new Error("--redis-url is required");
  const redis = new Redis(values["redis-url"], { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    const rosterMax = values["roster-max"] === undefined ? undefined : Number(values["roster-max"]);
    const report = await checkProductRecords(redis, { prefix: values.prefix, guildId: values["guild-id"], rosterMax });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
