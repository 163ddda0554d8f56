import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { teamTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** Ask to join a team. */
  POST: withSession(
    async ({ request, user }) => actionAnswer(await getTeamService().requestToJoin(user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
  /** Withdraw one's own request. */
  DELETE: withSession(
    async ({ request, user }) => actionAnswer(await getTeamService().withdrawRequest(user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
