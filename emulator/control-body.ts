import type { z } from "zod";
import { jsonResponse, type EmulatorResponse } from "./http";

/** Control answers are for people reading a test failure: `{"error": "<field>: <what is wrong>"}`. */
export function controlError(status: number, message: string): EmulatorResponse {
  return jsonResponse(status, { error: message });
}

export function badRequest(message: string): EmulatorResponse {
  return controlError(400, message);
}

/** An empty body is `{}`; anything else must be JSON that `schema` accepts, or a 400 naming each bad field. */
export function parseBody<T>(schema: z.ZodType<T>, body: string): { ok: true; value: T } | { ok: false; response: EmulatorResponse } {
  let json: unknown;
  try {
    json = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return { ok: false, response: badRequest("body must be JSON") };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
  return { ok: false, response: badRequest(message) };
}
