import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/teams/http";
import { teamTargetSchema } from "@/lib/teams/requests";

export const dynamic = "force-dynamic";

/** Ask to join a team. */
export const POST = withSession(
  async ({ request, user }) => actionAnswer(await getTeamService().requestToJoin(user, (await readBody(request, teamTargetSchema)).teamId)),
  { rateLimit: "actions", sameOrigin: true },
);

/** Withdraw one's own request. */
export const DELETE = withSession(
  async ({ request, user }) => actionAnswer(await getTeamService().withdrawRequest(user, (await readBody(request, teamTargetSchema)).teamId)),
  { rateLimit: "actions", sameOrigin: true },
);

export const { GET, PUT, PATCH } = otherMethods(["POST", "DELETE"]);
