import "server-only";
import { ApiError } from "@/lib/api/errors";
import { fieldErrorsOf } from "@/lib/api/field-errors";
import type { z } from "zod";

/**
 * Reads a query string against a schema (the last value of a repeated
 * parameter counts). Anything wrong is a 400 naming the parameter and
 * saying what to fix.
 */
export function readQuery<T>(request: Request, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (parsed.success) return parsed.data;
  const fieldErrors = fieldErrorsOf(parsed.error);
  const [field, message] = Object.entries(fieldErrors)[0] ?? ["query", "The query is not valid."];
  throw new ApiError("invalid_input", message, { field, fieldErrors });
}
