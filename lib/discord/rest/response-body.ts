import { z } from "zod";

/** A response body: parsed JSON when Discord sent JSON, else the raw text. */
export type ResponseBody = { json: true; value: unknown } | { json: false; text: string };

export async function readBody(response: Response): Promise<ResponseBody> {
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("application/json") || text.length === 0) return { json: false, text };
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, text };
  }
}

const errorBody = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
  errors: z.unknown().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

/** Discord's error body, or OAuth2's `{error, error_description}`, reduced to one shape. */
export function parseErrorBody(body: ResponseBody, status: number): { code: number; message: string; errors?: unknown } {
  if (!body.json) return { code: 0, message: `HTTP ${status}` };
  const parsed = errorBody.safeParse(body.value);
  if (!parsed.success) return { code: 0, message: `HTTP ${status}` };
  const { code, message, errors, error, error_description: description } = parsed.data;
  return {
    code: code ?? 0,
    message: message ?? description ?? error ?? `HTTP ${status}`,
    ...(errors === undefined ? {} : { errors }),
  };
}

const rateLimitBody = z.object({
  retry_after: z.number().nonnegative().finite().optional(),
  global: z.boolean().optional(),
});

/** The 429 body's `retry_after` (seconds, with decimals) and `global` flag, when present. */
export function parseRateLimitBody(body: ResponseBody): { retryAfterMs?: number; global: boolean } {
  if (!body.json) return { global: false };
  const parsed = rateLimitBody.safeParse(body.value);
  if (!parsed.success) return { global: false };
  return {
    ...(parsed.data.retry_after === undefined ? {} : { retryAfterMs: Math.ceil(parsed.data.retry_after * 1_000) }),
    global: parsed.data.global === true,
  };
}
