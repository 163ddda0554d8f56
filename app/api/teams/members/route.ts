import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/teams/http";
import { teamMemberTargetSchema } from "@/lib/teams/requests";

export const dynamic = "force-dynamic";

/** Remove a player (manager, admin) or leave the team (the player themself). */
export const DELETE = withSession(
  async ({ request, user }) => {
    const { teamId, userId } = await readBody(request, teamMemberTargetSchema);
    return actionAnswer(await getTeamService().removeMember(user, teamId, userId));
  },
  { rateLimit: "actions", sameOrigin: true },
);

export const { GET, POST, PUT, PATCH } = otherMethods(["DELETE"]);
