import "server-only";
import { ApiError } from "@/lib/api/errors";
import { scheduleHorizonMs } from "./input";

/** A scheduled time or a lock's end must lie ahead of now, and within the horizon. Refused naming the field. */
export function requireAhead(field: string, at: number, now: number): void {
  if (at <= now) refuse(field, "This time has passed: pick one in the future.");
  if (at > now + scheduleHorizonMs) refuse(field, "This time is too far ahead: pick one within a year.");
}

/** A season may start up to a year before or after now. */
export function requireNear(field: string, at: number, now: number): void {
  if (Math.abs(at - now) > scheduleHorizonMs) refuse(field, "Pick a time within a year of today.");
}

export function refuse(field: string, message: string): never {
  throw new ApiError("invalid_input", message, { field, fieldErrors: { [field]: message } });
}
