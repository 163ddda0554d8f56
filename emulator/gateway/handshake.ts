/**
 * IDENTIFY and RESUME, checked in the order Discord checks them: the token, the shard, the
 * intents, the application's privileged intents, then the identify budget.
 */
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits, GatewayOpcodes } from "discord-api-types/v10";
import type { Connection } from "./connection";
import type { GatewayCore } from "./core";
import { guildCreateData, readyData } from "./guild-create";
import { KNOWN_INTENTS, LARGE_THRESHOLD, PRIVILEGED_INTENTS, hasIntent, type IdentifyData, type ResumeData } from "./protocol";

/** The privileged intents switched on for the application; MESSAGE_CONTENT never is. */
function enabledPrivilegedIntents(core: GatewayCore): number {
  const { guildMembersIntent, guildPresencesIntent } = core.context.config.gateway;
  return (guildMembersIntent ? GatewayIntentBits.GuildMembers : 0) | (guildPresencesIntent ? GatewayIntentBits.GuildPresences : 0);
}

/** Discord documents 50 to 250; a value outside is brought to the nearest end. */
function largeThreshold(requested: number | undefined): number {
  return Math.min(LARGE_THRESHOLD.max, Math.max(LARGE_THRESHOLD.min, requested ?? LARGE_THRESHOLD.default));
}

/** The emulator has one guild and speaks for one shard: only `[0, 1]` (or no `shard`) is accepted. */
function validShard(shard: IdentifyData["shard"]): boolean {
  return shard === undefined || (shard[0] === 0 && shard[1] === 1);
}

export function identify(core: GatewayCore, connection: Connection, data: IdentifyData): void {
  const { config, directory } = core.context;
  if (data.token !== config.botToken) return connection.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
  if (!validShard(data.shard)) return connection.close(GatewayCloseCodes.InvalidShard, "Invalid shard.");
  if ((data.intents & ~KNOWN_INTENTS) !== 0) return connection.close(GatewayCloseCodes.InvalidIntents, "Invalid intent(s).");
  if ((data.intents & PRIVILEGED_INTENTS & ~enabledPrivilegedIntents(core)) !== 0) return connection.close(GatewayCloseCodes.DisallowedIntents, "Disallowed intent(s).");

  const verdict = core.budget.take();
  if (verdict === "exhausted") {
    // Discord answers the IDENTIFY over the daily budget by ending every session of the
    // application and resetting its token; the emulator keeps the token but closes as a reset one would.
    return core.endEverySession(GatewayCloseCodes.AuthenticationFailed, "Session start limit reached; the token was reset.");
  }
  if (verdict === "too-fast") {
    core.stats.count("identifiesTooFast");
    return connection.send(GatewayOpcodes.InvalidSession, false);
  }

  const session = core.sessions.create({ intents: data.intents, largeThreshold: largeThreshold(data.large_threshold), sink: connection });
  connection.session = session;
  core.stats.count("identifies");
  core.sessions.dispatch(
    session,
    GatewayDispatchEvents.Ready,
    readyData({
      directory,
      sessionId: session.id,
      resumeGatewayUrl: connection.resumeGatewayUrl,
      applicationId: config.clientId,
      privilegedIntents: config.gateway,
    }),
  );
  if (hasIntent(session.intents, GatewayIntentBits.Guilds)) core.sessions.dispatch(session, GatewayDispatchEvents.GuildCreate, guildCreateData(directory, session));
}

export function resume(core: GatewayCore, connection: Connection, data: ResumeData): void {
  if (data.token !== core.context.config.botToken) return connection.close(GatewayCloseCodes.AuthenticationFailed, "Authentication failed.");
  const session = core.sessions.find(data.session_id);
  if (!session) {
    core.stats.count("resumesRefused");
    return connection.send(GatewayOpcodes.InvalidSession, false);
  }
  const replay = core.sessions.replayAfter(session, data.seq ?? 0);
  if (!replay.ok) {
    core.sessions.end(session);
    return connection.close(GatewayCloseCodes.InvalidSeq, "Invalid seq.");
  }
  // A session lives on one socket: one still holding it (a half-dead connection) lets go.
  for (const other of core.connections) {
    if (other !== connection && other.session === session) {
      other.releaseSession({ end: false });
      other.close(GatewayCloseCodes.SessionTimedOut, "Session resumed on another connection.");
    }
  }
  core.sessions.attach(session, connection);
  connection.session = session;
  core.stats.count("resumes");
  for (const record of replay.records) connection.deliver(record);
  // RESUMED takes the next `s` but is not itself replayed by a later RESUME.
  core.sessions.dispatch(session, GatewayDispatchEvents.Resumed, {}, false);
}
