/**
 * An @discordjs/rest client process for the proxy tests: its `api` option
 * points at a proxy, as its users configure it, and it paces requests by its
 * own rules. Reads `{ api, token, jobs: [{ method, path }] }` as JSON from
 * argv[2] and prints `{ statuses, errors }` on stdout: the HTTP status of
 * every answer (Discord errors included) and any failure without one.
 */
import { DiscordAPIError, HTTPError, REST, RequestMethod } from "@discordjs/rest";

type Spec = { api: string; token: string; jobs: { method: "GET" | "PUT" | "DELETE"; path: `/${string}` }[] };

const methods = { GET: RequestMethod.Get, PUT: RequestMethod.Put, DELETE: RequestMethod.Delete } as const;

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "{}") as Spec;
  const rest = new REST({ api: spec.api, version: "10", retries: 1 }).setToken(spec.token);
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  const count = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  await Promise.all(
    spec.jobs.map(async (job) => {
      try {
        await rest.request({ fullRoute: job.path, method: methods[job.method] });
        count(job.method === "GET" ? 200 : 204);
      } catch (error) {
        if (error instanceof DiscordAPIError || error instanceof HTTPError) count(error.status);
        else errors.push(String(error));
      }
    }),
  );
  process.stdout.write(`${JSON.stringify({ statuses, errors })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
