import type {
  GatewayDispatchEvents,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayGuildRoleCreateDispatchData,
  GatewayGuildRoleDeleteDispatchData,
  GatewayGuildRoleUpdateDispatchData,
} from "discord-api-types/v10";

/**
 * A change to the guild, whoever made it (the bot through REST, a "moderator"
 * through the control API), with the payload Discord's Gateway sends for it.
 * The directory (state.ts) publishes one per change, in the order the changes
 * happen; the Gateway (gateway/) numbers them per session and sends them to
 * every identified session whose intents cover them.
 */
export type GuildDispatch =
  | { t: GatewayDispatchEvents.GuildMemberAdd; d: GatewayGuildMemberAddDispatchData }
  | { t: GatewayDispatchEvents.GuildMemberUpdate; d: GatewayGuildMemberUpdateDispatchData }
  | { t: GatewayDispatchEvents.GuildMemberRemove; d: GatewayGuildMemberRemoveDispatchData }
  | { t: GatewayDispatchEvents.GuildRoleCreate; d: GatewayGuildRoleCreateDispatchData }
  | { t: GatewayDispatchEvents.GuildRoleUpdate; d: GatewayGuildRoleUpdateDispatchData }
  | { t: GatewayDispatchEvents.GuildRoleDelete; d: GatewayGuildRoleDeleteDispatchData };

export type GuildEventListener = (event: GuildDispatch) => void;

/** What listeners hear besides changes: the emulator went back to its fixture. */
export type GuildResetListener = () => void;

export type GuildEvents = {
  publish(event: GuildDispatch): void;
  subscribe(listener: GuildEventListener): () => void;
  /** Called by `resetContext` after the directory is back to the fixture. */
  announceReset(): void;
  onReset(listener: GuildResetListener): () => void;
};

/** Synchronous fan-out: a listener sees a change before the REST answer that made it is sent. */
export function createGuildEvents(): GuildEvents {
  const listeners = new Set<GuildEventListener>();
  const resetListeners = new Set<GuildResetListener>();
  return {
    publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announceReset() {
      for (const listener of resetListeners) listener();
    },
    onReset(listener) {
      resetListeners.add(listener);
      return () => resetListeners.delete(listener);
    },
  };
}
