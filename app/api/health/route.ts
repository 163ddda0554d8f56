import { serveMethods } from "@/lib/api/serve-methods";

/** Liveness for the demo script and load balancers: answers without touching Redis or Discord. */
function liveness(): Response {
  return Response.json({ ok: true });
}

export const { GET, POST, PUT, PATCH, DELETE } = serveMethods({ GET: liveness });
