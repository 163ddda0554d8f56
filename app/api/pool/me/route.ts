import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/api/http";
import { isLooking, setLooking } from "@/lib/pool";
import { lookingSchema } from "@/lib/pool/answer";
import { getTeamContext } from "@/lib/teams";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** Whether the caller is in the pool: `{looking}`. */
  GET: withSession(async ({ user }) => jsonAnswer(await isLooking(getTeamContext(), user)), { rateLimit: "roles" }),
  /** The free agent's "looking for a team" switch: `{looking: boolean}`. */
  PUT: withSession(async ({ request, user }) => actionAnswer(await setLooking(getTeamContext(), user, (await readBody(request, lookingSchema)).looking)), { rateLimit: "actions" }),
});
