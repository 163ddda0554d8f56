import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamContext, requestToJoin, withdrawRequest } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { teamTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** Ask to join a team. */
  POST: withSession(
    async ({ request, user }) => actionAnswer(await requestToJoin(getTeamContext(), user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
  /** Withdraw one's own request. */
  DELETE: withSession(
    async ({ request, user }) => actionAnswer(await withdrawRequest(getTeamContext(), user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
