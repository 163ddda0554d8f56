import { actionResultSchema, apiErrorSchema, type ActionResult } from "@/lib/api/answer";

/** The admin area's own call: marking a Discord role as a team. Errors carry the server's sentence. */
export async function markTeamRole(roleId: string): Promise<ActionResult> {
  const response = await fetch("/api/admin/team-roles", {
    method: "POST",
    cache: "no-store",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ roleId }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = actionResultSchema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new Error("The server answered in a shape this page does not understand. Reload the page.");
  }
  const error = apiErrorSchema.safeParse(body);
  throw new Error(error.success ? error.data.message : "Something went wrong. Please try again in a moment.");
}
