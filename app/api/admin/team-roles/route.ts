import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamContext } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/teams/http";
import { markTeamRoleAsAdmin } from "@/lib/teams/mark-team-role";
import { teamRoleTargetSchema } from "@/lib/teams/requests";

export const dynamic = "force-dynamic";

/** A tournament admin marks a role made on Discord as a team (anyone else gets a 404). */
export const POST = withSession(
  async ({ request, user }) => actionAnswer(await markTeamRoleAsAdmin(getTeamContext(), user, (await readBody(request, teamRoleTargetSchema)).roleId)),
  { rateLimit: "actions", sameOrigin: true },
);

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
