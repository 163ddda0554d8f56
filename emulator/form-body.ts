import { RESTJSONErrorCodes, type RESTErrorData } from "discord-api-types/v10";
import type { z } from "zod";
import type { RouteRequest } from "./context";
import { discordError, type EmulatorResponse } from "./http";

/**
 * Discord's answers to malformed requests, shared by the REST routes: a
 * 50035 "Invalid Form Body" naming each bad field with Discord's own error
 * codes and sentences, 50109 for a body that is not JSON.
 */

export function invalidFormBody(errors: RESTErrorData): EmulatorResponse {
  return discordError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body", errors);
}

export function invalidJson(): EmulatorResponse {
  return discordError(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, "The request body contains invalid JSON.");
}

/** What Discord answers for a body that is JSON but not an object. */
export function notADictionary(): EmulatorResponse {
  return invalidFormBody({ _errors: [{ code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" }] });
}

const SNOWFLAKE = /^\d{1,20}$/;

export function isSnowflake(value: string): boolean {
  return SNOWFLAKE.test(value);
}

/** Discord rejects a path id that is not a snowflake with a form error naming the parameter. */
function badSnowflakes(params: Readonly<Record<string, string>>): EmulatorResponse | undefined {
  const errors: Record<string, RESTErrorData> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!isSnowflake(value)) errors[name] = { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` }] };
  }
  return Object.keys(errors).length > 0 ? invalidFormBody(errors) : undefined;
}

/** The route's handler, run only once path ids are valid snowflakes. */
export function withSnowflakes<C>(handle: (request: RouteRequest, caller: C) => EmulatorResponse) {
  return (request: RouteRequest, caller: C): EmulatorResponse => badSnowflakes(request.params) ?? handle(request, caller);
}

/** Maps a zod issue to the code and message Discord gives for the same mistake. */
export function toDiscordFieldError(issue: z.core.$ZodIssue, value: unknown): { code: string; message: string } {
  if (issue.code === "too_big") {
    return issue.origin === "string"
      ? { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${issue.maximum} or fewer in length.` }
      : { code: "NUMBER_TYPE_MAX", message: `int value should be less than or equal to ${issue.maximum}.` };
  }
  if (issue.code === "too_small") return { code: "NUMBER_TYPE_MIN", message: `int value should be greater than or equal to ${issue.minimum}.` };
  if (issue.code === "invalid_type" && issue.expected === "boolean") return { code: "BASE_TYPE_BOOLEAN", message: "Must be either true or false." };
  if (issue.code === "invalid_type" && issue.expected === "string") return { code: "BASE_TYPE_STRING", message: "Must be a string." };
  if (issue.code === "invalid_type" && issue.expected === "array") return { code: "BASE_TYPE_LIST", message: "Must be a list." };
  if (issue.code === "invalid_value") return { code: "BASE_TYPE_CHOICES", message: `Value must be one of ${JSON.stringify(issue.values.map(String))}.` };
  return { code: "NUMBER_TYPE_COERCE", message: `Value "${String(value)}" is not int.` };
}

/** A 50035 naming every field `error` found, each with the value the caller sent. */
export function fieldErrors(error: z.ZodError, fields: Readonly<Record<string, unknown>>): EmulatorResponse {
  const errors: Record<string, RESTErrorData> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "_root");
    errors[field] = { _errors: [toDiscordFieldError(issue, fields[field])] };
  }
  return invalidFormBody(errors);
}

/** An empty body is `{}`, as Discord reads it. */
export function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  if (body.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A JSON object body, or Discord's answer for one that is not JSON or not an object. */
export function parseObjectBody(body: string): { ok: true; value: Record<string, unknown> } | { ok: false; response: EmulatorResponse } {
  const json = parseJson(body);
  if (!json.ok) return { ok: false, response: invalidJson() };
  if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) return { ok: false, response: notADictionary() };
  return { ok: true, value: json.value as Record<string, unknown> };
}
