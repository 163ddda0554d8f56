import { OAuth2Scopes, RESTJSONErrorCodes } from "discord-api-types/v10";
import { z } from "zod";
import { requireBearer, requireBot, requireBotOrBearer, type Caller } from "./auth";
import { defineRoute, type EmulatorContext, type RouteRequest, type RouteTable } from "./context";
import { createChannelRoutes } from "./channels";
import { EVERYONE_PERMISSIONS } from "./fixture";
import { fieldErrors, parseObjectBody, withSnowflakes } from "./form-body";
import { discordError, jsonResponse, noContent, type EmulatorResponse } from "./http";
import { createGatewayRoutes } from "./gateway/rest-routes";
import { createInviteRoutes } from "./invite";
import { createOAuthRoutes } from "./oauth";
import { missingPermissions, refuseMemberRoleChange, refuseRoleChange, refuseRolePermissions } from "./permissions";
import { MAX_GUILD_ROLES, toApiBotUser, toApiUser } from "./state";

const unknownGuild = () => discordError(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
const unknownMember = () => discordError(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
const unknownRole = () => discordError(404, RESTJSONErrorCodes.UnknownRole, "Unknown Role");

const MAX_ROLE_COLOR = 0xff_ff_ff;

const roleBodySchema = z.object({
  name: z.string().max(100).nullish(),
  color: z.number().int().min(0).max(MAX_ROLE_COLOR).nullish(),
  hoist: z.boolean().nullish(),
  mentionable: z.boolean().nullish(),
  permissions: z.string().regex(/^\d+$/).nullish(),
});

type RoleBody = z.infer<typeof roleBodySchema>;

/** The body of a role create or edit, or the answer Discord gives for a bad one. */
function parseRoleBody(body: string): { ok: true; value: RoleBody } | { ok: false; response: EmulatorResponse } {
  const json = parseObjectBody(body);
  if (!json.ok) return json;
  const parsed = roleBodySchema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, response: fieldErrors(parsed.error, json.value) };
}

/** Checks in Discord's order: guild, the bot's right to manage roles, the body, the permissions it grants, the cap. */
function createRole(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  const { directory } = context;
  if (!directory.hasGuild(request.params.guild_id ?? "")) return unknownGuild();
  const notAllowed = refuseRolePermissions(directory, undefined);
  if (notAllowed) return notAllowed;
  const parsed = parseRoleBody(request.body);
  if (!parsed.ok) return parsed.response;
  const body = parsed.value;
  // Left out, Discord copies @everyone's permissions into the new role.
  const permissions = body.permissions ?? directory.getRole(directory.guildId)?.permissions ?? EVERYONE_PERMISSIONS;
  const grantsTooMuch = refuseRolePermissions(directory, permissions);
  if (grantsTooMuch) return grantsTooMuch;
  if (directory.roleCount() >= MAX_GUILD_ROLES) {
    return discordError(400, RESTJSONErrorCodes.MaximumNumberOfGuildRolesReached, `Maximum number of guild roles reached (${MAX_GUILD_ROLES})`);
  }
  const role = directory.createRole({
    name: body.name ?? "new role",
    color: body.color ?? 0,
    hoist: body.hoist ?? false,
    mentionable: body.mentionable ?? false,
    permissions,
  });
  return jsonResponse(200, role);
}

/** Modify Guild Role: only a role strictly below the bot's highest, granting nothing the bot lacks. */
function modifyRole(context: EmulatorContext, request: RouteRequest): EmulatorResponse {
  const { directory } = context;
  const { guild_id: guildId = "", role_id: roleId = "" } = request.params;
  if (!directory.hasGuild(guildId)) return unknownGuild();
  if (!directory.hasRole(roleId)) return unknownRole();
  const refused = refuseRoleChange(directory, roleId);
  if (refused) return refused;
  const parsed = parseRoleBody(request.body);
  if (!parsed.ok) return parsed.response;
  const { name, color, hoist, mentionable, permissions } = parsed.value;
  const grantsTooMuch = refuseRolePermissions(directory, permissions ?? undefined);
  if (grantsTooMuch) return grantsTooMuch;
  const role = directory.updateRole(roleId, {
    name: name ?? undefined,
    color: color ?? undefined,
    hoist: hoist ?? undefined,
    mentionable: mentionable ?? undefined,
    permissions: permissions ?? undefined,
  });
  return role ? jsonResponse(200, role) : unknownRole();
}

function deleteRole(context: EmulatorContext, params: Readonly<Record<string, string>>): EmulatorResponse {
  const { directory } = context;
  const { guild_id: guildId = "", role_id: roleId = "" } = params;
  if (!directory.hasGuild(guildId)) return unknownGuild();
  if (directory.isEveryoneRole(roleId)) return discordError(400, RESTJSONErrorCodes.InvalidRole, "Invalid Role");
  if (!directory.hasRole(roleId)) return unknownRole();
  const refused = directory.getRole(roleId)?.managed ? missingPermissions() : refuseRoleChange(directory, roleId);
  if (refused) return refused;
  directory.deleteRole(roleId);
  return noContent();
}

/** Shared checks of the member-role routes, in Discord's order: guild, member, role. */
function memberRoleTarget(context: EmulatorContext, params: Readonly<Record<string, string>>): EmulatorResponse | { userId: string; roleId: string } {
  const { directory } = context;
  const { guild_id: guildId = "", user_id: userId = "", role_id: roleId = "" } = params;
  if (!directory.hasGuild(guildId)) return unknownGuild();
  if (!directory.isMember(userId)) return unknownMember();
  if (!directory.hasRole(roleId)) return unknownRole();
  return { userId, roleId };
}

function changeMemberRole(context: EmulatorContext, params: Readonly<Record<string, string>>, change: "add" | "remove"): EmulatorResponse {
  const target = memberRoleTarget(context, params);
  if ("status" in target) return target;
  // Every member has @everyone implicitly; Discord never lists it among a member's roles.
  if (context.directory.isEveryoneRole(target.roleId)) return noContent();
  const refused = refuseMemberRoleChange(context.directory, target.roleId);
  if (refused) return refused;
  if (change === "add") context.directory.addMemberRole(target.userId, target.roleId);
  else context.directory.removeMemberRole(target.userId, target.roleId);
  return noContent();
}

function currentUser(context: EmulatorContext, caller: Caller): EmulatorResponse {
  if (caller.kind === "bot") return jsonResponse(200, toApiBotUser());
  const user = context.directory.findUser(caller.grant.userId);
  if (!user) return discordError(401, 0, "401: Unauthorized");
  return jsonResponse(200, toApiUser(user, { withEmail: caller.grant.scopes.includes(OAuth2Scopes.Email) }));
}

/** Not being in the guild looks exactly like the guild not existing, as Discord answers it. */
function currentUserMember(context: EmulatorContext, guildId: string, userId: string): EmulatorResponse {
  if (!context.directory.hasGuild(guildId)) return unknownGuild();
  const member = context.directory.toApiMember(userId);
  return member ? jsonResponse(200, member) : unknownGuild();
}

export function createRouteTable(context: EmulatorContext): RouteTable {
  const { directory } = context;
  const credentials = { botToken: context.config.botToken, tokens: context.tokens };
  const bot = (request: RouteRequest) => requireBot(request.headers.authorization, credentials);

  return {
    ...createOAuthRoutes(context),
    ...createInviteRoutes(context),
    ...createGatewayRoutes(context),
    ...createChannelRoutes(context),

    "GET /users/@me": defineRoute(
      (request) => requireBotOrBearer(request.headers.authorization, credentials, OAuth2Scopes.Identify),
      (_request, caller) => currentUser(context, caller),
    ),

    "GET /users/@me/guilds/:guild_id/member": defineRoute(
      (request) => requireBearer(request.headers.authorization, credentials, OAuth2Scopes.GuildsMembersRead),
      withSnowflakes((request, caller) => currentUserMember(context, request.params.guild_id ?? "", caller.grant.userId)),
    ),

    "GET /guilds/:guild_id/members/:user_id": defineRoute(
      bot,
      withSnowflakes((request) => {
        if (!directory.hasGuild(request.params.guild_id ?? "")) return unknownGuild();
        const member = directory.toApiMember(request.params.user_id ?? "");
        return member ? jsonResponse(200, member) : unknownMember();
      }),
    ),

    "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": defineRoute(
      bot,
      withSnowflakes((request) => changeMemberRole(context, request.params, "add")),
    ),

    "DELETE /guilds/:guild_id/members/:user_id/roles/:role_id": defineRoute(
      bot,
      withSnowflakes((request) => changeMemberRole(context, request.params, "remove")),
    ),

    "GET /guilds/:guild_id/roles": defineRoute(
      bot,
      withSnowflakes((request) => (directory.hasGuild(request.params.guild_id ?? "") ? jsonResponse(200, directory.listRoles()) : unknownGuild())),
    ),

    "POST /guilds/:guild_id/roles": defineRoute(
      bot,
      withSnowflakes((request) => createRole(context, request)),
    ),

    "GET /guilds/:guild_id/roles/:role_id": defineRoute(
      bot,
      withSnowflakes((request) => {
        if (!directory.hasGuild(request.params.guild_id ?? "")) return unknownGuild();
        const role = directory.getRole(request.params.role_id ?? "");
        return role ? jsonResponse(200, role) : unknownRole();
      }),
    ),

    "PATCH /guilds/:guild_id/roles/:role_id": defineRoute(
      bot,
      withSnowflakes((request) => modifyRole(context, request)),
    ),

    "DELETE /guilds/:guild_id/roles/:role_id": defineRoute(
      bot,
      withSnowflakes((request) => deleteRole(context, request.params)),
    ),
  };
}
