import { findFreePort } from "../../scripts/free-port";
import { spawnTs, untilAnswering, type Child } from "../shared/processes";
import type { StrategyName } from "./strategies";

export type InstanceConfig = { strategy: StrategyName; redisUrl: string; apiBase: string; guildId: string; secret: string; clientId: string; clientSecret: string };

/** One "app instance": bench/roles/instance.ts serving GET /api/roles with one strategy. */
export async function startInstance(index: number, config: InstanceConfig, logDir: string): Promise<{ url: string; child: Child }> {
  const port = await findFreePort();
  const child = spawnTs(
    `instance-${config.strategy}-${index}`,
    "bench/roles/instance.ts",
    [
      "--strategy", config.strategy,
      "--port", String(port),
      "--redis-url", config.redisUrl,
      "--api-base", config.apiBase,
      "--guild-id", config.guildId,
      "--client-id", config.clientId,
      "--client-secret", config.clientSecret,
    ],
    { logDir, env: { BENCH_TOKEN_SECRET: config.secret } },
  );
  const url = `http://127.0.0.1:${port}`;
  return { url, child: await untilAnswering(child, `${url}/healthz`, 30_000) };
}
