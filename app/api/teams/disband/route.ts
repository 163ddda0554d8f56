import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { teamTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  POST: withSession(
    async ({ request, user }) => actionAnswer(await getTeamService().disbandTeam(user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
