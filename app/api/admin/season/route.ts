import { getActionContext } from "@/lib/actions";
import { actionAnswer, readBody } from "@/lib/api/http";
import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { setSeason } from "@/lib/tournament";
import { seasonSchema } from "@/lib/tournament/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** A tournament admin sets the season's start and its per-team limit of roster changes (anyone else gets a 404). */
  PUT: withSession(async ({ request, user }) => actionAnswer(await setSeason(getActionContext(), user, await readBody(request, seasonSchema))), { rateLimit: "actions" }),
});
