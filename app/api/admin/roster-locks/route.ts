import { getActionContext } from "@/lib/actions";
import { actionAnswer, readBody } from "@/lib/api/http";
import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { lockRoster, unlockRoster } from "@/lib/tournament";
import { rosterLockSchema, rosterUnlockSchema } from "@/lib/tournament/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** A tournament admin locks one team's roster (`teamId`) or every roster (anyone else gets a 404). */
  POST: withSession(async ({ request, user }) => actionAnswer(await lockRoster(getActionContext(), user, await readBody(request, rosterLockSchema))), {
    rateLimit: "actions",
  }),
  /** Lifts the lock on one team's roster, or the one on every roster. */
  DELETE: withSession(async ({ request, user }) => actionAnswer(await unlockRoster(getActionContext(), user, (await readBody(request, rosterUnlockSchema)).teamId)), {
    rateLimit: "actions",
  }),
});
