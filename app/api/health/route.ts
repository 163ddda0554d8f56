/** Liveness for the demo script and load balancers: answers without touching Redis or Discord. */
export function GET(): Response {
  return Response.json({ ok: true });
}
