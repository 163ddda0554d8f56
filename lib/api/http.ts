import "server-only";
import type { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { readLimitedText } from "./read-body";
import type { ActionResult } from "./answer";
import { fieldErrorsOf } from "./field-errors";

/**
 * Reads and validates a JSON body. Anything wrong is a 400 naming the field
 * and saying what to fix, never a 500.
 */
export async function readBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const text = await readLimitedText(request);
  let json: unknown;
  try {
    json = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "The request body must be JSON.");
  }
  return validInput(json, schema);
}

/**
 * Validates input already read (a JSON body, a form's fields): a 400 naming
 * the first field at fault and what to fix, with every field's message.
 */
export function validInput<T>(input: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors = fieldErrorsOf(parsed.error);
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["body", "The request is not valid."];
  throw new ApiError("invalid_input", message, { field, fieldErrors });
}

export function jsonAnswer(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export function actionAnswer(result: ActionResult): Response {
  return jsonAnswer(result);
}
