import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamContext, leaveTeam, removeMember } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { rosterMoveTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** Remove a player (manager, admin) or leave the team (the player themself). */
  DELETE: withSession(
    async ({ request, user }) => {
      const { teamId, userId, override } = await readBody(request, rosterMoveTargetSchema);
      const context = getTeamContext();
      return actionAnswer(await (userId === user.id ? leaveTeam(context, user, teamId, override) : removeMember(context, user, teamId, userId, override)));
    },
    { rateLimit: "actions" },
  ),
});
