import { otherMethods } from "@/lib/api/method-not-allowed";
import { withSession } from "@/lib/api/with-session";
import { profileSchema } from "@/lib/profile/schema";
import { myProfile, saveMyProfile } from "@/lib/profile";
import { actionAnswer, jsonAnswer, readBody } from "@/lib/teams/http";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ user }) => jsonAnswer({ profile: await myProfile(user.id) }), { rateLimit: "roles" });

export const POST = withSession(async ({ request, user }) => actionAnswer(await saveMyProfile(user, await readBody(request, profileSchema))), {
  rateLimit: "actions",
  sameOrigin: true,
});

export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);
