import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { RecordReport } from "./product-records";

const root = resolve(__dirname, "..", "..");

/**
 * Every product record in a Redis, checked by the domain's own parsers
 * (product-records.ts) in a child process, for callers that
 * cannot import `server-only` modules (Playwright specs, the load bench).
 */
export async function recordsReport(options: { redisUrl: string; prefix?: string; guildId?: string; rosterMax?: number }): Promise<RecordReport> {
  const args = ["--conditions=react-server", "--import", "tsx", join(root, "scripts", "records", "check-records.ts"), "--redis-url", options.redisUrl];
  if (options.prefix !== undefined) args.push("--prefix", options.prefix);
  if (options.guildId !== undefined) args.push("--guild-id", options.guildId);
  if (options.rosterMax !== undefined) args.push("--roster-max", String(options.rosterMax));
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: "silent" },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as RecordReport;
}
