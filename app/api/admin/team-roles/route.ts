import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamContext } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { markTeamRoleAsAdmin } from "@/lib/teams/mark-team-role";
import { teamRoleTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** A tournament admin marks a role made on Discord as a team (anyone else gets a 404). */
  POST: withSession(
    async ({ request, user }) => actionAnswer(await markTeamRoleAsAdmin(getTeamContext(), user, (await readBody(request, teamRoleTargetSchema)).roleId)),
    { rateLimit: "actions" },
  ),
});
