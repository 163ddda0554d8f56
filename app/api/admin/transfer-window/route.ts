import { getActionContext } from "@/lib/actions";
import { actionAnswer, readBody } from "@/lib/api/http";
import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { cancelWindowChange, changeWindow } from "@/lib/tournament";
import { windowCancelSchema, windowChangeSchema } from "@/lib/tournament/input";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  /** A tournament admin opens or closes the transfer window, now or at `at` (anyone else gets a 404). */
  POST: withSession(async ({ request, user }) => actionAnswer(await changeWindow(getActionContext(), user, await readBody(request, windowChangeSchema))), {
    rateLimit: "actions",
  }),
  /** Cancels the scheduled opening or closing. */
  DELETE: withSession(
    async ({ request, user }) => actionAnswer(await cancelWindowChange(getActionContext(), user, (await readBody(request, windowCancelSchema)).change)),
    { rateLimit: "actions" },
  ),
});
