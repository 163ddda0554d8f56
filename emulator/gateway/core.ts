/**
 * What every Gateway connection shares: the sessions, the identify budget, the op 8 limits,
 * the counters, and the guild's changes fanned out to every session whose intents cover them.
 */
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayIntentBits } from "discord-api-types/v10";
import type { EmulatorContext } from "../context";
import type { GuildDispatch } from "../guild-events";
import type { Connection } from "./connection";
import { createIdentifyBudget, type IdentifyBudget } from "./identify-budget";
import { createMemberRequests, type MemberRequests } from "./members";
import { hasIntent } from "./protocol";
import { createSessionRegistry, type SessionRegistry } from "./session";
import { createGatewayStats, type GatewayStats } from "./stats";

export type GatewayCore = {
  context: EmulatorContext;
  sessions: SessionRegistry;
  budget: IdentifyBudget;
  memberRequests: MemberRequests;
  stats: GatewayStats;
  /** Open sockets, identified or not. */
  connections: Set<Connection>;
  /** Closes every socket with `code` and forgets every session, so a RESUME gets op 9 false. */
  endEverySession(code: GatewayCloseCodes, reason: string): void;
  /** Stops listening to the guild's changes. */
  dispose(): void;
};

/** The intent a guild change needs: member events need the privileged GUILD_MEMBERS, role events GUILDS. */
function intentFor(event: GuildDispatch): GatewayIntentBits {
  switch (event.t) {
    case GatewayDispatchEvents.GuildMemberAdd:
    case GatewayDispatchEvents.GuildMemberUpdate:
    case GatewayDispatchEvents.GuildMemberRemove:
      return GatewayIntentBits.GuildMembers;
    default:
      return GatewayIntentBits.Guilds;
  }
}

const cores = new WeakMap<EmulatorContext, GatewayCore>();

/** The Gateway attached to `context`, for the REST routes that report on it (`GET /gateway/bot`). */
export function gatewayCoreOf(context: EmulatorContext): GatewayCore | undefined {
  return cores.get(context);
}

export function createGatewayCore(context: EmulatorContext): GatewayCore {
  const { clock, gateway } = context.config;
  const sessions = createSessionRegistry({ clock, resumeWindowMs: gateway.resumeWindowSeconds * 1_000, replayLimit: gateway.replayLimit });
  const budget = createIdentifyBudget({ clock, total: gateway.sessionStartLimit, maxConcurrency: gateway.maxConcurrency });
  const memberRequests = createMemberRequests({ clock, directory: context.directory });
  const stats = createGatewayStats();
  const connections = new Set<Connection>();

  function endEverySession(code: GatewayCloseCodes, reason: string): void {
    for (const connection of connections) connection.close(code, reason);
    sessions.clear();
  }

  /** Detached sessions receive too: their dispatches wait in the replay buffer for a RESUME. */
  const unsubscribe = context.guildEvents.subscribe((event) => {
    const needed = intentFor(event);
    for (const session of sessions.list()) {
      if (hasIntent(session.intents, needed)) sessions.dispatch(session, event.t, event.d);
    }
  });
  const stopResetting = context.guildEvents.onReset(() => {
    endEverySession(GatewayCloseCodes.UnknownError, "The emulator was reset.");
    budget.reset();
    memberRequests.reset();
    stats.reset();
  });

  const core: GatewayCore = {
    context,
    sessions,
    budget,
    memberRequests,
    stats,
    connections,
    endEverySession,
    dispose() {
      unsubscribe();
      stopResetting();
      cores.delete(context);
    },
  };
  cores.set(context, core);
  return core;
}

