import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { approveRequest, getTeamContext } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { rosterMoveTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  POST: withSession(
    async ({ request, user }) => {
      const { teamId, userId, override } = await readBody(request, rosterMoveTargetSchema);
      return actionAnswer(await approveRequest(getTeamContext(), user, teamId, userId, override));
    },
    { rateLimit: "actions" },
  ),
});
