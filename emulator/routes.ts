import { OAuth2Scopes, RESTJSONErrorCodes, type RESTErrorData } from "discord-api-types/v10";
import { z } from "zod";
import { requireBearer, requireBot, requireBotOrBearer, type Caller } from "./auth";
import { defineRoute, type EmulatorContext, type RouteRequest, type RouteTable } from "./context";
import { EVERYONE_PERMISSIONS } from "./fixture";
import { discordError, jsonResponse, noContent, type EmulatorResponse } from "./http";
import { createGatewayRoutes } from "./gateway/rest-routes";
import { createInviteRoutes } from "./invite";
import { createOAuthRoutes } from "./oauth";
import { missingPermissions, refuseMemberRoleChange, refuseRoleChange, refuseRolePermissions } from "./permissions";
import { MAX_GUILD_ROLES, toApiBotUser, toApiUser } from "./state";

const unknownGuild = () => discordError(404, RESTJSONErrorCodes.UnknownGuild, "Unknown Guild");
const unknownMember = () => discordError(404, RESTJSONErrorCodes.UnknownMember, "Unknown Member");
const unknownRole = () => discordError(404, RESTJSONErrorCodes.UnknownRole, "Unknown Role");

function invalidFormBody(errors: RESTErrorData): EmulatorResponse {
  return discordError(400, RESTJSONErrorCodes.InvalidFormBodyOrContentType, "Invalid Form Body", errors);
}

const SNOWFLAKE = /^\d{1,20}$/;

/** Discord rejects a path id that is not a snowflake with a form error naming the parameter. */
function badSnowflakes(params: Readonly<Record<string, string>>): EmulatorResponse | undefined {
  const errors: Record<string, RESTErrorData> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!SNOWFLAKE.test(value)) errors[name] = { _errors: [{ code: "NUMBER_TYPE_COERCE", message: `Value "${value}" is not snowflake.` }] };
  }
  return Object.keys(errors).length > 0 ? invalidFormBody(errors) : undefined;
}

/** The route's handler, run only once path ids are valid snowflakes. */
function withSnowflakes<C>(handle: (request: RouteRequest, caller: C) => EmulatorResponse) {
  return (request: RouteRequest, caller: C): EmulatorResponse => badSnowflakes(request.params) ?? handle(request, caller);
}

const MAX_ROLE_COLOR = 0xff_ff_ff;

const roleBodySchema = z.object({
  name: z.string().max(100).nullish(),
  color: z.number().int().min(0).max(MAX_ROLE_COLOR).nullish(),
  hoist: z.boolean().nullish(),
  mentionable: z.boolean().nullish(),
  permissions: z.string().regex(/^\d+$/).nullish(),
});

/** Maps a zod issue to the code and message Discord gives for the same mistake. */
function toDiscordFieldError(issue: z.core.$ZodIssue, value: unknown): { code: string; message: string } {
  if (issue.code === "too_big") {
    return issue.origin === "string"
      ? { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${issue.maximum} or fewer in length.` }
      : { code: "NUMBER_TYPE_MAX", message: `int value should be less than or equal to ${issue.maximum}.` };
  }
  if (issue.code === "too_small") return { code: "NUMBER_TYPE_MIN", message: `int value should be greater than or equal to ${issue.minimum}.` };
  if (issue.code === "invalid_type" && issue.expected === "boolean") return { code: "BASE_TYPE_BOOLEAN", message: "Must be either true or false." };
  if (issue.code === "invalid_type" && issue.expected === "string") return { code: "BASE_TYPE_STRING", message: "Must be a string." };
  return { code: "NUMBER_TYPE_COERCE", message: `Value "${String(value)}" is not int.` };
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  if (body.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

type RoleBody = z.infer<typeof roleBodySchema>;

/** The body of a role create or edit, or the answer Discord gives for a bad one. */
function parseRoleBody(body: string): { ok: true; value: RoleBody } | { ok: false; response: EmulatorResponse } {
  const json = parseJson(body);
  if (!json.ok) return { ok: false, response: discordError(400, RESTJSONErrorCodes.RequestBodyContainsInvalidJSON, "The request body contains invalid JSON.") };
  if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) {
    return { ok: false, response: invalidFormBody({ _errors: [{ code: "DICT_TYPE_CONVERT", message: "Only dictionaries may be used in a DictType" }] }) };
  }
  const parsed = roleBodySchema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields = json.value as Record<string, unknown>;
  const errors: Record<string, RESTErrorData> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "_root");
    errors[field] = { _errors: [toDiscordFieldError(issue, fields[field])] };
  }
  return { ok: false, response: invalidFormBody(errors) };
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
