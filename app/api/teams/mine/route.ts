import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { getTeamService } from "@/lib/teams";
import { jsonAnswer } from "@/lib/teams/http";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ user }) => jsonAnswer(await getTeamService().myTeam(user)), { rateLimit: "roles" });

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
