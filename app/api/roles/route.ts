import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { rolesAnswerFor } from "@/lib/roles";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  GET: withSession(
    async ({ user }) => {
      const result = await rolesAnswerFor(user);
      if (result.ok) return Response.json(result.answer, { headers: { "Cache-Control": "no-store" } });
      return Response.json(result.unavailable, {
        status: 503,
        headers: { "Cache-Control": "no-store", "Retry-After": String(result.unavailable.retryAfterSeconds) },
      });
    },
    { rateLimit: "roles" },
  ),
});
