import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { profileSchema } from "@/lib/profile/schema";
import { myProfile, saveMyProfile } from "@/lib/profile";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/api/http";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  GET: withSession(async ({ user }) => jsonAnswer({ profile: await myProfile(user.id) }), { rateLimit: "roles" }),
  POST: withSession(
    async ({ request, user }) => actionAnswer(await saveMyProfile(user, await readBody(request, profileSchema))),
    { rateLimit: "actions" },
  ),
});
