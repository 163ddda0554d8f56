import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { createTeam, getTeamContext, listTeams } from "@/lib/teams";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/api/http";
import { createTeamSchema } from "@/lib/teams/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  GET: withSession(async ({ user }) => jsonAnswer(await listTeams(getTeamContext(), user)), { rateLimit: "roles" }),
  POST: withSession(
    async ({ request, user }) => actionAnswer(await createTeam(getTeamContext(), user, await readBody(request, createTeamSchema))),
    { rateLimit: "actions" },
  ),
});
