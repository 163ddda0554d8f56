import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The demo values of `.env.example`, the single source of safe defaults for the demo and the tests. */
export function readEnvExample(root = process.cwd()): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(join(root, ".env.example"), "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) entries[match[1]] = match[2];
  }
  return entries;
}
