import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { getTeamContext, myTeam } from "@/lib/teams";
import { jsonAnswer } from "@/lib/api/http";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  GET: withSession(async ({ user }) => jsonAnswer(await myTeam(getTeamContext(), user)), { rateLimit: "roles" }),
});
