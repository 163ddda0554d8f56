import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/teams/http";
import { createTeamSchema } from "@/lib/teams/input";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ user }) => jsonAnswer(await getTeamService().listTeams(user)), { rateLimit: "roles" });

export const POST = withSession(
  async ({ request, user }) => actionAnswer(await getTeamService().createTeam(user, await readBody(request, createTeamSchema))),
  { rateLimit: "actions", sameOrigin: true },
);

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
