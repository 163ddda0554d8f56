import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The discord.py client process the proxy's tests and benchmark run (see its docstring). */
export const discordPyClientPath = fileURLToPath(new URL("./discordpy-client.py", import.meta.url));

/**
 * A virtual environment where discord.py imports: created with
 * `--system-site-packages` so Debian's python3-discord (scripts/ensure-deps.sh)
 * is used; where it is missing, `pip install discord.py` inside it. Returns
 * the interpreter, or why discord.py cannot be had on this machine.
 */
export async function discordPyPython(): Promise<{ python: string } | { missing: string }> {
  const base = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const venv = join(tmpdir(), "safa-proxy-discordpy-venv");
  const python = join(venv, "bin", "python");
  const importable = () =>
    run(python, ["-c", "import discord"]).then(
      () => true,
      () => false,
    );
  try {
    if (!existsSync(python)) await run(base, ["-m", "venv", "--system-site-packages", venv]);
  } catch (error) {
    return { missing: `cannot create a Python virtual environment (apt-get install python3-venv): ${(error as Error).message.split("\n")[0]}` };
  }
  if (await importable()) return { python };
  try {
    await run(python, ["-m", "pip", "install", "--quiet", "discord.py"], { timeout: 120_000 });
  } catch {
    return { missing: "discord.py is neither installed (apt-get install python3-discord) nor installable from the Python registry" };
  }
  return (await importable()) ? { python } : { missing: "discord.py did not import after pip install" };
}
