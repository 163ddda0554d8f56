/**
 * The test-only control API under `/__emulator/` (loopback callers only; no
 * auth, no rate limits, no permission checks). Bodies are JSON; a bad one
 * answers 400 `{"error": "<field>: <what is wrong>"}`.
 *
 * Emulator:
 * - `POST reset`: back to the fixture (publishes no guild events; the bus announces the reset).
 * - `GET stats`, `GET personas[?all=1]`, `GET issued-tokens`.
 * - `POST tokens` {user_id, expires_in?, scope?}: an OAuth2 grant without the browser.
 * - `POST users` {username, roles?, member?}: one synthetic user.
 * - `GET|POST|DELETE faults`: injected failures (faults.ts).
 *
 * The living guild (control-guild.ts), each change published as its Gateway event:
 * - `POST members/bulk` {count: 1..50,000, roles?: [id], username_prefix?}: `count` new
 *   members -> 201 {created, first_id, last_id}; GUILD_MEMBER_ADD each.
 * - `PUT members/:user_id`: an existing user joins with no roles (201; 200 if already in) -> GUILD_MEMBER_ADD.
 * - `DELETE members/:user_id`: the member leaves -> GUILD_MEMBER_REMOVE.
 * - `POST members/:user_id/roles` {add?, remove?, set?}: a moderator changes roles -> one GUILD_MEMBER_UPDATE.
 * - `POST members/:user_id/nick` {nick | null} -> GUILD_MEMBER_UPDATE.
 * - `POST roles` {name?, color?, hoist?, mentionable?, permissions?, position?} -> 201 role; GUILD_ROLE_CREATE.
 * - `PATCH roles/:role_id` {name?, color?, hoist?, mentionable?, permissions?, position?}: e.g. move
 *   the bot's role below others -> GUILD_ROLE_UPDATE for the role and every role that moved.
 * - `DELETE roles/:role_id` -> GUILD_ROLE_DELETE.
 *
 * Channels (control-channels.ts):
 * - `GET channels/:channel_id/messages`: every message, oldest first, with `pinged_user_ids`.
 * - `POST channels/:channel_id/permissions` {send_messages}: false makes the bot's posts there answer 403 50013.
 *
 * Anything else goes to the Gateway's control actions (`gateway/...`), if it has one.
 */
import { z } from "zod";
import type { EmulatorContext } from "./context";
import { resetContext } from "./context";
import { badRequest, parseBody } from "./control-body";
import { handleChannelControl } from "./control-channels";
import { handleGuildControl } from "./control-guild";
import { faultInputSchema } from "./faults";
import { jsonResponse, type EmulatorResponse } from "./http";
import { ALLOWED_SCOPES, DEFAULT_TEST_SCOPES } from "./oauth";

export const CONTROL_PREFIX = "/__emulator/";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a snowflake (17 to 20 digits)");

const tokenRequestSchema = z.strictObject({
  user_id: snowflake,
  expires_in: z.number().min(0).optional(),
  scope: z
    .string()
    .transform((scope) => scope.split(/\s+/).filter(Boolean))
    .refine((scopes) => scopes.every((scope) => ALLOWED_SCOPES.includes(scope)), `scopes must be among: ${ALLOWED_SCOPES.join(" ")}`)
    .optional(),
});

/** Discord's username rules: 2 to 32 of lowercase letters, digits, `_` and `.`. */
const userRequestSchema = z
  .strictObject({
    username: z.string().regex(/^[a-z0-9_.]{2,32}$/, "must be 2 to 32 of a-z, 0-9, _ and ."),
    roles: z.array(snowflake).default([]),
    member: z.boolean().default(true),
  })
  .refine((user) => user.member || user.roles.length === 0, "a user who is not a member cannot have roles");

function issueTestToken(context: EmulatorContext, body: string): EmulatorResponse {
  const parsed = parseBody(tokenRequestSchema, body);
  if (!parsed.ok) return parsed.response;
  const { user_id: userId, expires_in: expiresInSeconds, scope } = parsed.value;
  if (!context.directory.findUser(userId)) return badRequest(`user_id: no user ${userId}`);
  const grant = context.tokens.issueGrant({ userId, clientId: context.config.clientId, scopes: scope ?? DEFAULT_TEST_SCOPES, expiresInSeconds });
  return jsonResponse(200, {
    access_token: grant.accessToken,
    token_type: "Bearer",
    refresh_token: grant.refreshToken,
    expires_in: grant.expiresInSeconds,
    scope: grant.scopes.join(" "),
  });
}

function createUser(context: EmulatorContext, body: string): EmulatorResponse {
  const parsed = parseBody(userRequestSchema, body);
  if (!parsed.ok) return parsed.response;
  const { directory } = context;
  const input = parsed.value;
  if (directory.findUserByName(input.username)) return badRequest(`username: "${input.username}" is taken`);
  const unknown = input.roles.filter((roleId) => !directory.hasRole(roleId) || directory.isEveryoneRole(roleId));
  if (unknown.length > 0) return badRequest(`roles: no assignable role ${unknown.join(", ")}`);
  const user = directory.createUser(input);
  return jsonResponse(201, { id: user.id, username: user.username });
}

function personas(context: EmulatorContext, includeSynthetic: boolean): EmulatorResponse {
  const { directory } = context;
  return jsonResponse(200, {
    guild: { id: directory.guildId, name: directory.guildName, roles: directory.listRoles().map((role) => ({ id: role.id, name: role.name })) },
    personas: directory
      .listUsers()
      .filter((user) => includeSynthetic || !user.synthetic)
      .map((user) => {
        const roles = directory.memberRoleIds(user.id);
        return { id: user.id, username: user.username, member: roles !== undefined, roles: roles ?? [] };
      }),
  });
}

/** No auth and no rate limits, so the server only lets loopback callers reach it. */
export function handleControl(context: EmulatorContext, method: string, url: URL, body: string): EmulatorResponse {
  const action = `${method} ${url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, "")}`;
  switch (action) {
    case "POST reset":
      resetContext(context);
      return jsonResponse(200, { ok: true });
    case "POST tokens":
      return issueTestToken(context, body);
    case "POST users":
      return createUser(context, body);
    case "GET personas":
      return personas(context, url.searchParams.get("all") === "1");
    case "GET issued-tokens":
      return jsonResponse(200, { tokens: context.tokens.issuedSecrets() });
    case "GET stats":
      return jsonResponse(200, {
        ...context.stats.snapshot({ invalid: context.invalidRequests.total(), banned: context.invalidRequests.anyBanned() }),
        gateway: context.gateway?.stats() ?? null,
      });
    case "GET faults":
      return jsonResponse(200, { faults: context.faults.list() });
    case "POST faults": {
      const parsed = parseBody(faultInputSchema, body);
      return parsed.ok ? jsonResponse(201, context.faults.add(parsed.value)) : parsed.response;
    }
    case "DELETE faults":
      context.faults.clear();
      return jsonResponse(200, { ok: true });
    default:
      return (
        handleGuildControl(context.directory, action, body) ??
        handleChannelControl(context.channels, action, body) ??
        context.gateway?.control(action, body) ??
        jsonResponse(404, { error: `no control action ${action}; see emulator/control.ts` })
      );
  }
}
