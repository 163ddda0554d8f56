import "server-only";
import { z } from "zod";
import {
  BotTokenInvalidError,
  CloudflareBanError,
  DiscordAPIError,
  DiscordTransportError,
  InvalidRequestBudgetError,
  RateLimitedError,
  type DiscordRest,
} from "@/lib/discord/rest";
import { GuildRejectedError, GuildUnavailableError, type GuildPort, type GuildRole } from "./guild-port";

/** Discord's JSON error codes this adapter answers without an error. */
const unknownMember = 10_007;
const unknownRole = 10_011;

/** When Discord gave no wait of its own, this is how long the user is asked to wait. */
const unavailableRetryMs = 5_000;

const memberPayload = z.object({ roles: z.array(z.string()) });
const rolePayload = z.object({ id: z.string(), name: z.string() });
const guildRolePayload = rolePayload.extend({ permissions: z.string(), managed: z.boolean(), position: z.number().int() });
const userPayload = z.object({ id: z.string() });

/**
 * The guild port over the shared REST client: every call uses the bot token
 * and the rate-limit state all processes share through Redis, with a
 * deadline so a user never waits minutes behind a rate limit.
 */
export function createGuildAdapter(options: { rest: DiscordRest; guildId: string; deadlineMs: number }): GuildPort {
  const { rest, guildId, deadlineMs } = options;
  const call = { deadlineMs, reason: "SAFA Dashboard action" };
  /** The bot's user id never changes while the token stays the same: asked once per process. */
  let botUserId: Promise<string> | undefined;

  async function parsed<T>(schema: z.ZodType<T>, promise: Promise<unknown>, what: string): Promise<T> {
    const value = await translate(promise);
    const result = schema.safeParse(value);
    if (!result.success) throw new GuildUnavailableError(`Discord answered ${what} in an unexpected shape.`, unavailableRetryMs);
    return result.data;
  }

  async function memberRoles(userId: string): Promise<string[] | null> {
    try {
      const member = await parsed(memberPayload, rest.get(`/guilds/${guildId}/members/${userId}`, { deadlineMs }), "a member");
      return member.roles;
    } catch (error) {
      if (error instanceof GuildRejectedError && error.status === 404 && error.code === unknownMember) return null;
      throw error;
    }
  }

  return {
    getMemberRoles: memberRoles,
    async getBotRoles() {
      botUserId ??= parsed(userPayload, rest.get("/users/@me", { deadlineMs }), "the bot's user").then((user) => user.id);
      const id = await botUserId.catch((error: unknown) => {
        botUserId = undefined;
        throw error;
      });
      return (await memberRoles(id)) ?? [];
    },
    async addRole(userId, roleId) {
      await translate(rest.put(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, call));
    },
    async removeRole(userId, roleId) {
      await translate(rest.delete(`/guilds/${guildId}/members/${userId}/roles/${roleId}`, call));
    },
    async createRole(name) {
      // "0": a team role grants nothing; left out, Discord would copy @everyone's permissions into it.
      const body = { name, mentionable: true, hoist: false, permissions: "0" };
      const role = await parsed(rolePayload, rest.post(`/guilds/${guildId}/roles`, { ...call, body }), "a new role");
      return role.id;
    },
    async deleteRole(roleId) {
      try {
        await translate(rest.delete(`/guilds/${guildId}/roles/${roleId}`, call));
      } catch (error) {
        if (error instanceof GuildRejectedError && error.status === 404 && error.code === unknownRole) return;
        throw error;
      }
    },
    async listRoles(): Promise<GuildRole[]> {
      const roles = await parsed(z.array(guildRolePayload), rest.get(`/guilds/${guildId}/roles`, { deadlineMs }), "the role list");
      return roles.map(({ id, name, permissions, managed, position }) => ({ id, name, permissions, managed, position }));
    },
  };
}

/** The REST client's typed errors, reduced to the two the domain distinguishes. */
async function translate<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DiscordAPIError) {
      if (error.status >= 500) throw new GuildUnavailableError(`Discord answered ${error.status}.`, unavailableRetryMs, { cause: error });
      throw new GuildRejectedError(error.message, error.status, error.code, { cause: error });
    }
    if (error instanceof RateLimitedError || error instanceof CloudflareBanError || error instanceof InvalidRequestBudgetError) {
      throw new GuildUnavailableError("Discord is rate limiting us right now.", Math.max(1_000, error.retryAfterMs), { cause: error });
    }
    if (error instanceof DiscordTransportError) throw new GuildUnavailableError("Discord did not answer.", unavailableRetryMs, { cause: error });
    if (error instanceof BotTokenInvalidError) throw new GuildUnavailableError("The bot's Discord login is not working.", 60_000, { cause: error });
    throw error;
  }
}
