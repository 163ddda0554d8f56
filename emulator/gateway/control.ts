/**
 * The Gateway's control actions (`POST /__emulator/gateway/...`), for tests that need Discord
 * to misbehave on cue: ask for a reconnect, invalidate sessions, ask for a heartbeat, drop
 * sockets, refill the identify budget, list sessions.
 */
import { GatewayOpcodes } from "discord-api-types/v10";
import { z } from "zod";
import { jsonResponse, type EmulatorResponse } from "../http";
import type { Connection } from "./connection";
import type { GatewayCore } from "./core";

const targetSchema = z.strictObject({ session_id: z.string().optional() });
const invalidateSchema = z.strictObject({ session_id: z.string().optional(), resumable: z.boolean().default(false) });

function parse<T>(schema: z.ZodType<T>, body: string): { ok: true; value: T } | { ok: false; response: EmulatorResponse } {
  let raw: unknown;
  try {
    raw = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return { ok: false, response: jsonResponse(400, { error: "body must be JSON" }) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, response: jsonResponse(400, { error: parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ") }) };
  return { ok: true, value: parsed.data };
}

/** Identified sockets (or every socket, when `anySocket`), all of them or the one holding `sessionId`. */
function targets(core: GatewayCore, sessionId: string | undefined, anySocket = false): Connection[] {
  return [...core.connections].filter((connection) =>
    sessionId === undefined ? anySocket || connection.session !== null : connection.session?.id === sessionId,
  );
}

function onEach(core: GatewayCore, body: string, act: (connection: Connection) => void, anySocket = false): EmulatorResponse {
  const parsed = parse(targetSchema, body);
  if (!parsed.ok) return parsed.response;
  const chosen = targets(core, parsed.value.session_id, anySocket);
  for (const connection of chosen) act(connection);
  return jsonResponse(200, { ok: true, connections: chosen.length });
}

/** op 9: `resumable: false` forgets the session (the client must IDENTIFY); `true` lets it RESUME on the same socket. */
function invalidate(core: GatewayCore, body: string): EmulatorResponse {
  const parsed = parse(invalidateSchema, body);
  if (!parsed.ok) return parsed.response;
  const chosen = targets(core, parsed.value.session_id);
  for (const connection of chosen) {
    connection.send(GatewayOpcodes.InvalidSession, parsed.value.resumable);
    connection.releaseSession({ end: !parsed.value.resumable });
  }
  return jsonResponse(200, { ok: true, connections: chosen.length });
}

function listSessions(core: GatewayCore): EmulatorResponse {
  return jsonResponse(200, {
    sessions: core.sessions.list().map((session) => ({ session_id: session.id, seq: session.seq, intents: session.intents, live: session.sink !== null })),
  });
}

export function gatewayControl(core: GatewayCore, action: string, body: string): EmulatorResponse | undefined {
  switch (action) {
    case "POST gateway/reconnect":
      return onEach(core, body, (connection) => connection.send(GatewayOpcodes.Reconnect, null));
    case "POST gateway/invalidate-session":
      return invalidate(core, body);
    case "POST gateway/heartbeat":
      return onEach(core, body, (connection) => connection.send(GatewayOpcodes.Heartbeat, null));
    case "POST gateway/drop":
      return onEach(core, body, (connection) => connection.drop(), true);
    case "POST gateway/session-start-limit/reset":
      core.budget.reset();
      return jsonResponse(200, { ok: true, session_start_limit: core.budget.snapshot() });
    case "GET gateway/sessions":
      return listSessions(core);
    default:
      return undefined;
  }
}

/** `GET /__emulator/stats` → `gateway`. */
export function gatewayStats(core: GatewayCore): Record<string, unknown> {
  const sessions = core.sessions.list();
  return {
    sessions: { live: sessions.filter((session) => session.sink !== null).length, resumable: sessions.filter((session) => session.sink === null).length },
    sessionStartLimit: core.budget.snapshot(),
    ...core.stats.snapshot(),
  };
}
