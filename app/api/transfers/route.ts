import { getActionContext } from "@/lib/actions";
import { jsonAnswer } from "@/lib/api/http";
import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { transferStatus } from "@/lib/tournament";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** The transfer window, the roster locks in force, the season, and the caller's team's changes left. */
  GET: withSession(async ({ user }) => jsonAnswer(await transferStatus(getActionContext(), user.id)), { rateLimit: "roles" }),
});
