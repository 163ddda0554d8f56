import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/teams/http";
import { teamMemberTargetSchema } from "@/lib/teams/requests";

export const dynamic = "force-dynamic";

/** Hand the team's management to one of its players. */
export const PUT = withSession(
  async ({ request, user }) => {
    const { teamId, userId } = await readBody(request, teamMemberTargetSchema);
    return actionAnswer(await getTeamService().transferManager(user, teamId, userId));
  },
  { rateLimit: "actions", sameOrigin: true },
);

export const { GET, POST, PATCH, DELETE } = otherMethods(["PUT"]);
