/**
 * The Discord REST proxy (`npm run proxy -- --port 8090`): other Discord
 * clients using the bot's token (the community's discord.py bot, a
 * discord.js script, curl) send their requests here instead of to
 * discord.com and share the dashboard's limits through Redis. Run as many
 * replicas as you like; they and the dashboard hold one state. Flags and
 * environment: `npm run proxy -- --help`. Bad flags or variables exit with
 * status 2 and one line on stderr.
 */
import { moduleLogger } from "../lib/log";
import { PROXY_USAGE, ProxyConfigError, parseProxyConfig } from "../lib/discord/proxy/proxy-config";
import { startProxy } from "../lib/discord/proxy/start-proxy";
import { createRedis, waitUntilReady } from "../lib/redis/connection";

const log = moduleLogger("discord-proxy");
const redisStartupWaitMs = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = parseProxyConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    console.error(`proxy: ${error.message} (try --help)`);
    process.exit(2);
  }
  if (config === "help") {
    console.log(PROXY_USAGE);
    return;
  }
  const redis = createRedis(config.redis);
  // Without Redis the proxy still forwards, at the coarse per-process limits, and switches over once Redis answers.
  if (!(await waitUntilReady(redis, redisStartupWaitMs))) log.warn("redis is not reachable yet; forwarding at the local fallback limits");
  const proxy = await startProxy({ config, redis });
  console.log(`Discord REST proxy listening on ${proxy.url} (forwarding to ${config.apiBase}; /metrics, /healthz)`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    proxy.close().then(
      () => {
        redis.disconnect();
        process.exit(0);
      },
      (error: unknown) => {
        console.error("proxy: error while stopping", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`proxy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
