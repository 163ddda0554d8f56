import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { jsonAnswer } from "@/lib/api/http";
import { listPool } from "@/lib/pool";
import { poolQuerySchema } from "@/lib/pool/answer";
import { readQuery } from "@/lib/pool/query";
import { getTeamContext } from "@/lib/teams";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** A page of the free-agent pool: `?page&pageSize&platform&position&country&q`. */
  GET: withSession(async ({ request, user }) => jsonAnswer(await listPool(getTeamContext(), user, readQuery(request, poolQuerySchema))), { rateLimit: "roles" }),
});
