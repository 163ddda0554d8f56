import { z } from "zod";

/**
 * What every API mutation answers, and every failed call, as zod schemas so
 * the browser parses each answer at its boundary. Pure: safe for client
 * components.
 */

/** Every successful mutation answers this; `applied: false` means the end state already held (a retry or a double click). */
export const actionResultSchema = z.object({
  ok: z.literal(true),
  applied: z.boolean(),
  teamId: z.string().nullable(),
  message: z.string(),
});
export type ActionResult = z.infer<typeof actionResultSchema>;

/** Every failed call answers this. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  field: z.string().optional(),
  fieldErrors: z.record(z.string(), z.string()).optional(),
  retryAfterSeconds: z.number().optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;
