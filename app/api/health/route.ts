import { otherMethods } from "@/lib/api/method-not-allowed";

/** Liveness for the demo script and load balancers: answers without touching Redis or Discord. */
export function GET(): Response {
  return Response.json({ ok: true });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
