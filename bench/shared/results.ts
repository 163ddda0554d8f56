import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./processes";

/** Writes a full run's output to bench/results/<file> through a temporary file, so a reader never sees half of it; returns its path. */
export function writeResults(file: string, title: string, command: string, lines: readonly string[]): string {
  const path = join(projectRoot, "bench", "results", file);
  const text = [`# ${title}`, "", `Date: ${new Date().toISOString()}`, `Command: \`${command}\``, "", ...lines, ""].join("\n");
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
  return path;
}
