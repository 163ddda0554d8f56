import { STATUS_CODES } from "node:http";
import { z } from "zod";
import { cloudflareBan, jsonResponse, type EmulatorResponse } from "./http";
import { ROUTE_KEYS, bucketHash, type RouteKey } from "./route-catalog";

const routeField = z.enum(ROUTE_KEYS, { error: `route must be one of: ${ROUTE_KEYS.join(", ")}` }).optional();
const countField = z.number().int().min(1).optional();

/** The body of `POST /__emulator/faults`. */
export const faultInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("status"), route: routeField, count: countField, status: z.union([z.literal(500), z.literal(502), z.literal(503)]) }),
  z.strictObject({ kind: z.literal("delay"), route: routeField, count: countField, delayMs: z.number().int().min(0).max(120_000) }),
  z.strictObject({ kind: z.literal("malformed-json"), route: routeField, count: countField }),
  z.strictObject({ kind: z.literal("no-ratelimit-headers"), route: routeField, count: countField }),
  z.strictObject({ kind: z.literal("bucket-flip"), route: routeField, count: countField }),
  z.strictObject({ kind: z.literal("ban"), route: routeField, count: countField }),
]);

export type FaultInput = z.infer<typeof faultInputSchema>;

/** `remaining: null` lasts until `DELETE /__emulator/faults`. */
export type Fault = FaultInput & { id: number; remaining: number | null };

export type FaultStore = ReturnType<typeof createFaultStore>;

export function createFaultStore() {
  let faults: Fault[] = [];
  let nextId = 1;
  return {
    add(input: FaultInput): Fault {
      const fault: Fault = { ...input, id: nextId, remaining: input.count ?? null };
      nextId += 1;
      faults.push(fault);
      return fault;
    },
    list: (): readonly Fault[] => faults,
    clear(): void {
      faults = [];
    },
    /** The faults that hit this request; each spends one of its uses, even if another fault ends the request first. */
    take(route: RouteKey): Fault[] {
      const hits = faults.filter((fault) => fault.route === undefined || fault.route === route);
      for (const fault of hits) if (fault.remaining !== null) fault.remaining -= 1;
      faults = faults.filter((fault) => fault.remaining === null || fault.remaining > 0);
      return hits;
    },
  };
}

/** Total injected delay before the request is handled. */
export function faultDelayMs(faults: readonly Fault[]): number {
  return faults.reduce((total, fault) => total + (fault.kind === "delay" ? fault.delayMs : 0), 0);
}

/** An answer that replaces the real one: a 5xx that changes nothing, or a Cloudflare ban page. */
export function faultResponse(faults: readonly Fault[], banSeconds: number): EmulatorResponse | undefined {
  for (const fault of faults) {
    if (fault.kind === "status") return jsonResponse(fault.status, { message: `${fault.status}: ${STATUS_CODES[fault.status] ?? "Error"}`, code: 0 });
    if (fault.kind === "ban") return cloudflareBan(Math.ceil(banSeconds));
  }
  return undefined;
}

/**
 * Corrupts a real answer after the request has been handled (state changes stand, as when a
 * response is lost on the wire). A malformed body turns a 204 into a 200, which cannot carry one.
 */
export function applyResponseFaults(faults: readonly Fault[], response: EmulatorResponse): EmulatorResponse {
  let result = response;
  for (const fault of faults) {
    if (fault.kind === "malformed-json") {
      const body = `${result.body.slice(0, Math.floor(result.body.length / 2))}{"truncated`;
      result = { status: result.status === 204 ? 200 : result.status, headers: { ...result.headers, "Content-Type": "application/json" }, body };
    } else if (fault.kind === "no-ratelimit-headers") {
      result = { ...result, headers: Object.fromEntries(Object.entries(result.headers).filter(([name]) => !/^x-ratelimit-/i.test(name))) };
    } else if (fault.kind === "bucket-flip") {
      const bucket = result.headers["X-RateLimit-Bucket"];
      if (bucket !== undefined) result = { ...result, headers: { ...result.headers, "X-RateLimit-Bucket": bucketHash(`flipped:${bucket}`) } };
    }
  }
  return result;
}
