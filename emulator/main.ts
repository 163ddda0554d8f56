/**
 * The Discord emulator: a local stand-in for discord.com that the demo, the tests and the
 * benchmarks talk to instead of the real Discord.
 *
 *   npm run emulator -- --port 3001
 *   npx tsx emulator/main.ts --port 0 --route-limit 'GET /users/@me/guilds/:guild_id/member=5/2'
 *   npx tsx emulator/main.ts --heartbeat-interval 5000 --resume-window 30 --no-members-intent
 *
 * What it serves (see emulator/route-catalog.ts for the full list):
 * - OAuth2: GET /oauth2/authorize (also under /api and /api/v10) shows one button per persona;
 *   picking one redirects to redirect_uri with `code` and `state`. POST /api/v10/oauth2/token
 *   (authorization_code, refresh_token) and /api/v10/oauth2/token/revoke.
 * - REST under /api/v10 (and /api): /users/@me, /users/@me/guilds/:guild_id/member (bearer,
 *   scope guilds.members.read), and the bot routes for members and roles.
 * - Rate limits as Discord documents them: per-route buckets with X-RateLimit-* headers, the
 *   global limit, and the invalid-request ban (a Cloudflare-style 429 in text/plain).
 * - The Gateway at ws://<host>:<port>/gateway (`GET /api/v10/gateway` and `/gateway/bot` point
 *   there; v=10, JSON, no compression): HELLO, heartbeats, IDENTIFY with intents and the
 *   privileged-intent check, READY and GUILD_CREATE, op 8 member chunks (and RATE_LIMITED),
 *   RESUME with replay of missed dispatches, every guild change as a dispatch, Discord's close
 *   codes and limits. See emulator/gateway/ and the --heartbeat-interval ... --no-members-intent flags.
 * - A control API under /__emulator/ (loopback only): reset, tokens, users, personas, stats, faults,
 *   and gateway/{reconnect, invalidate-session, heartbeat, drop, session-start-limit/reset, sessions}.
 *
 * Redirect URIs: only those given with --redirect-uri when any are; with none, any http(s) URL on
 * localhost or 127.0.0.1 is accepted, so the app works on whatever port it runs.
 *
 * The fixture (guild SAFA, its roles and the personas outsider, newcomer, freeagent, manager,
 * player, admin, freeagent2, freeagent3) is in emulator/fixture.ts and matches .env.example.
 * Bad flags exit with status 2 and one line on stderr.
 */
import { ConfigError, USAGE, parseFlags } from "./config";
import { startEmulator } from "./server";

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`emulator: ${error.message} (try --help)`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator(parsed.options);
  console.log(`Discord emulator listening on ${emulator.url} (REST: ${emulator.url}/api/v10, Gateway: ${emulator.gatewayUrl})`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("emulator: error while stopping", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
