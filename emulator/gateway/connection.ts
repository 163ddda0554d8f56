/**
 * One Gateway socket: HELLO, the heartbeat deadline, the 120-per-60-s send limit, decoding,
 * and the opcode switch. IDENTIFY and RESUME live in handshake.ts; op 8 in members.ts.
 */
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from "discord-api-types/v10";
import type { RawData, WebSocket } from "ws";
import type { GatewayCore } from "./core";
import { identify, resume } from "./handshake";
import {
  CLIENT_OPCODES,
  HEARTBEAT_TIMEOUT_FACTOR,
  MAX_PAYLOAD_BYTES,
  SEND_LIMIT,
  envelopeSchema,
  identifyDataSchema,
  requestGuildMembersSchema,
  resumeDataSchema,
} from "./protocol";
import type { DispatchRecord, Session, SessionSink } from "./session";

/** Closes after which Discord forgets the session: a RESUME then gets op 9 false. */
const SESSION_ENDING_CLOSES: ReadonlySet<number> = new Set([
  1000,
  1001,
  GatewayCloseCodes.AuthenticationFailed,
  GatewayCloseCodes.InvalidSeq,
  GatewayCloseCodes.InvalidShard,
  GatewayCloseCodes.ShardingRequired,
  GatewayCloseCodes.InvalidAPIVersion,
  GatewayCloseCodes.InvalidIntents,
  GatewayCloseCodes.DisallowedIntents,
]);

/** What lies before the socket: the URL to resume on. */
export type ConnectionInfo = { resumeGatewayUrl: string };

export type Connection = SessionSink & {
  readonly resumeGatewayUrl: string;
  /** The session this socket speaks for; null before IDENTIFY/RESUME and after op 9. */
  session: Session | null;
  send(op: GatewayOpcodes, d: unknown): void;
  /** Closes with a close frame; the session survives unless the code ends it. */
  close(code: number, reason: string): void;
  /** Cuts the socket without a close frame (the client sees 1006); the session stays resumable. */
  drop(): void;
  /** Forgets the session without closing: after op 9 the client may IDENTIFY or RESUME on this socket. */
  releaseSession(options: { end: boolean }): void;
};

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

export function openConnection(core: GatewayCore, socket: WebSocket, info: ConnectionInfo): Connection {
  const { clock, gateway } = core.context.config;
  let closing = false;
  let heartbeatDeadline: NodeJS.Timeout | undefined;
  let sendWindow = { startedAt: clock(), count: 0 };

  function armHeartbeatDeadline(): void {
    clearTimeout(heartbeatDeadline);
    heartbeatDeadline = setTimeout(
      () => connection.close(GatewayCloseCodes.SessionTimedOut, "No heartbeat received in time."),
      gateway.heartbeatIntervalMs * HEARTBEAT_TIMEOUT_FACTOR,
    );
    heartbeatDeadline.unref();
  }

  /** Ends or detaches the session, once, whoever closed. */
  function settleSession(code: number): void {
    const { session } = connection;
    if (!session) return;
    connection.session = null;
    if (SESSION_ENDING_CLOSES.has(code)) core.sessions.end(session);
    else if (session.sink === connection) core.sessions.detach(session);
  }

  const connection: Connection = {
    resumeGatewayUrl: info.resumeGatewayUrl,
    session: null,
    send(op, d) {
      if (closing) return;
      socket.send(JSON.stringify({ op, d, s: null, t: null }));
    },
    deliver(record: DispatchRecord) {
      if (closing) return;
      core.stats.count("dispatches");
      socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, d: record.d, s: record.s, t: record.t }));
    },
    close(code, reason) {
      if (closing) return;
      closing = true;
      clearTimeout(heartbeatDeadline);
      core.stats.closed(code);
      settleSession(code);
      socket.close(code, reason);
    },
    drop() {
      if (closing) return;
      closing = true;
      clearTimeout(heartbeatDeadline);
      core.stats.closed(1006);
      settleSession(1006);
      socket.terminate();
    },
    releaseSession({ end }) {
      const { session } = connection;
      if (!session) return;
      connection.session = null;
      if (end) core.sessions.end(session);
      else core.sessions.detach(session);
    },
  };

  /** Fixed 60 s windows from the first payload, counting every opcode, heartbeats included. */
  function overSendLimit(): boolean {
    const now = clock();
    if (now - sendWindow.startedAt >= SEND_LIMIT.windowMs) sendWindow = { startedAt: now, count: 0 };
    sendWindow.count += 1;
    return sendWindow.count > SEND_LIMIT.count;
  }

  function decode(data: RawData): { op: number; d: unknown } | undefined {
    const bytes = toBuffer(data);
    if (bytes.length > MAX_PAYLOAD_BYTES) return undefined;
    try {
      const parsed = envelopeSchema.safeParse(JSON.parse(bytes.toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  function decodeError(): void {
    connection.close(GatewayCloseCodes.DecodeError, "Error while decoding payload.");
  }

  /** Discord's 4001 covers "an invalid opcode or an invalid payload for an opcode". */
  function invalidPayload(): void {
    connection.close(GatewayCloseCodes.UnknownOpcode, "Invalid payload for this opcode.");
  }

  function onPayload(op: number, d: unknown): void {
    if (!CLIENT_OPCODES.has(op)) return connection.close(GatewayCloseCodes.UnknownOpcode, "Unknown opcode.");
    if (op === GatewayOpcodes.Heartbeat) {
      armHeartbeatDeadline();
      return connection.send(GatewayOpcodes.HeartbeatAck, undefined);
    }
    const authenticating = op === GatewayOpcodes.Identify || op === GatewayOpcodes.Resume;
    if (!connection.session && !authenticating) return connection.close(GatewayCloseCodes.NotAuthenticated, "Not authenticated.");
    if (connection.session && authenticating) return connection.close(GatewayCloseCodes.AlreadyAuthenticated, "Already authenticated.");
    switch (op) {
      case GatewayOpcodes.Identify: {
        const parsed = identifyDataSchema.safeParse(d);
        return parsed.success ? identify(core, connection, parsed.data) : invalidPayload();
      }
      case GatewayOpcodes.Resume: {
        const parsed = resumeDataSchema.safeParse(d);
        return parsed.success ? resume(core, connection, parsed.data) : invalidPayload();
      }
      case GatewayOpcodes.RequestGuildMembers: {
        const parsed = requestGuildMembersSchema.safeParse(d);
        return parsed.success ? requestMembers(parsed.data) : invalidPayload();
      }
      default:
        // Presence and voice state updates: valid, and nothing here to update.
        return;
    }
  }

  function requestMembers(request: Parameters<GatewayCore["memberRequests"]["answer"]>[0]): void {
    const { session } = connection;
    if (!session) return;
    core.stats.count("memberRequests");
    const answer = core.memberRequests.answer(request, session.intents);
    if (answer.kind === "missing-intent") return connection.close(GatewayCloseCodes.InvalidIntents, "Requesting the member list needs the GUILD_MEMBERS intent.");
    if (answer.kind === "ignored") return;
    for (const dispatch of answer.dispatches) {
      if (dispatch.t === GatewayDispatchEvents.RateLimited) core.stats.count("memberRequestsRateLimited");
      core.sessions.dispatch(session, dispatch.t, dispatch.d);
    }
  }

  socket.on("message", (data) => {
    if (closing) return;
    if (overSendLimit()) return connection.close(GatewayCloseCodes.RateLimited, "You are being rate limited.");
    const payload = decode(data);
    if (!payload) return decodeError();
    onPayload(payload.op, payload.d);
  });
  socket.on("close", (code) => {
    core.connections.delete(connection);
    clearTimeout(heartbeatDeadline);
    if (closing) return;
    closing = true;
    core.stats.closed(code);
    settleSession(code);
  });
  socket.on("error", () => connection.drop());

  core.connections.add(connection);
  core.stats.count("connections");
  connection.send(GatewayOpcodes.Hello, { heartbeat_interval: gateway.heartbeatIntervalMs });
  armHeartbeatDeadline();
  return connection;
}
