import { serveMethods } from "@/lib/api/serve-methods";
import { withSession } from "@/lib/api/with-session";
import { openEventStreamFor } from "@/lib/events";

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({
  GET: withSession(({ request, user }) => openEventStreamFor(request, user), { rateLimit: "eventStreams" }),
});
