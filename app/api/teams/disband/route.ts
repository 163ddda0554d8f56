import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { disbandTeam, getTeamContext } from "@/lib/teams";
import { actionAnswer, readBody } from "@/lib/api/http";
import { teamTargetSchema } from "@/lib/teams/requests";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  POST: withSession(
    async ({ request, user }) => actionAnswer(await disbandTeam(getTeamContext(), user, (await readBody(request, teamTargetSchema)).teamId)),
    { rateLimit: "actions" },
  ),
});
