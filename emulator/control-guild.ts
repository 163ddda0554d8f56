/**
 * The control API's living guild: members join, leave and change roles or
 * nicknames, and roles come, change and go, as a moderator would make them
 * happen in the Discord client. Nothing here is rate limited or checked
 * against the bot's permissions (the caller is "someone else"), but Discord's
 * own rules still hold: 250 roles at most, `@everyone` is nobody's to give,
 * and a managed role can be given or taken by no one. Every change publishes
 * its Gateway event through the directory.
 */
import { z } from "zod";
import { badRequest, controlError, parseBody } from "./control-body";
import { BOT_USER_ID } from "./fixture";
import { jsonResponse, type EmulatorResponse } from "./http";
import { MAX_GUILD_ROLES, type Directory } from "./state";

const snowflake = z.string().regex(/^\d{17,20}$/, "must be a snowflake (17 to 20 digits)");
const roleIdList = z.array(snowflake).max(MAX_GUILD_ROLES);

/** Enough for a guild far larger than SAFA's, few enough to answer in well under a second. */
export const MAX_BULK_MEMBERS = 50_000;

const bulkSchema = z.strictObject({
  count: z.number().int("must be a whole number").min(1, "must be at least 1").max(MAX_BULK_MEMBERS, `must be at most ${MAX_BULK_MEMBERS}`),
  roles: roleIdList.default([]),
  username_prefix: z
    .string()
    .regex(/^[a-z0-9_.]{1,20}$/, "must be 1 to 20 of a-z, 0-9, _ and .")
    .default("member_"),
});

const memberRolesSchema = z
  .strictObject({ add: roleIdList.optional(), remove: roleIdList.optional(), set: roleIdList.optional() })
  .refine((body) => body.add ?? body.remove ?? body.set, "give at least one of add, remove, set");

/** Discord's nickname: 1 to 32 characters, or null to clear it. */
const nickSchema = z.strictObject({ nick: z.string().min(1, "must not be empty (null clears it)").max(32, "must be 32 or fewer characters").nullable() });

const roleFields = {
  name: z.string().min(1).max(100),
  color: z.number().int().min(0).max(0xff_ff_ff),
  hoist: z.boolean(),
  mentionable: z.boolean(),
  permissions: z.string().regex(/^\d{1,20}$/, "must be a permission bit set as a decimal string"),
  position: z.number().int("must be a whole number").min(1, "must be at least 1 (0 is @everyone)"),
};

const createRoleSchema = z.strictObject({
  ...roleFields,
  name: roleFields.name.default("new role"),
  color: roleFields.color.default(0),
  hoist: roleFields.hoist.default(false),
  mentionable: roleFields.mentionable.default(false),
  permissions: roleFields.permissions.default("0"),
  position: roleFields.position.optional(),
});

const updateRoleSchema = z.strictObject(roleFields).partial();

function memberNotFound(userId: string): EmulatorResponse {
  return controlError(404, `user_id: ${userId} is not a member of the guild`);
}

/** Role ids in `field` that no one may hand out: unknown, `@everyone`, or managed by an integration. */
function unassignable(directory: Directory, field: string, roleIds: readonly string[] | undefined): EmulatorResponse | undefined {
  for (const roleId of roleIds ?? []) {
    const role = directory.getRole(roleId);
    if (!role || directory.isEveryoneRole(roleId)) return badRequest(`${field}: no assignable role ${roleId}`);
    if (role.managed) return badRequest(`${field}: role ${roleId} is managed by an integration; nobody can give or take it`);
  }
  return undefined;
}

function bulkMembers(directory: Directory, body: string): EmulatorResponse {
  const parsed = parseBody(bulkSchema, body);
  if (!parsed.ok) return parsed.response;
  const { count, roles, username_prefix: prefix } = parsed.value;
  const refused = unassignable(directory, "roles", roles);
  if (refused) return refused;
  const created = directory.createMembers(count, roles, prefix);
  return jsonResponse(201, { created: created.length, first_id: created[0]?.id, last_id: created.at(-1)?.id });
}

function joinMember(directory: Directory, userId: string): EmulatorResponse {
  if (!directory.findUser(userId)) return controlError(404, `user_id: no user ${userId}`);
  const joined = directory.addMember(userId);
  return jsonResponse(joined ? 201 : 200, { joined, member: directory.toApiMember(userId) });
}

function removeMember(directory: Directory, userId: string): EmulatorResponse {
  if (userId === BOT_USER_ID) return badRequest("user_id: the bot cannot be removed");
  if (!directory.removeMember(userId)) return memberNotFound(userId);
  return jsonResponse(200, { left: true });
}

function changeMemberRoles(directory: Directory, userId: string, body: string): EmulatorResponse {
  const parsed = parseBody(memberRolesSchema, body);
  if (!parsed.ok) return parsed.response;
  if (!directory.isMember(userId)) return memberNotFound(userId);
  const changes = parsed.value;
  const refused = unassignable(directory, "add", changes.add) ?? unassignable(directory, "remove", changes.remove) ?? unassignable(directory, "set", changes.set);
  if (refused) return refused;
  // `set` may not drop a managed role the member holds (the bot's own role), any more than `remove` may.
  const keptManaged = (directory.memberRoleIds(userId) ?? []).filter((roleId) => directory.getRole(roleId)?.managed);
  const set = changes.set ? [...changes.set, ...keptManaged] : undefined;
  const changed = directory.changeMemberRoles(userId, { ...changes, set });
  return jsonResponse(200, { changed, roles: directory.memberRoleIds(userId) });
}

function setNick(directory: Directory, userId: string, body: string): EmulatorResponse {
  const parsed = parseBody(nickSchema, body);
  if (!parsed.ok) return parsed.response;
  if (!directory.isMember(userId)) return memberNotFound(userId);
  const changed = directory.setNick(userId, parsed.value.nick);
  return jsonResponse(200, { changed, nick: parsed.value.nick });
}

function createRole(directory: Directory, body: string): EmulatorResponse {
  const parsed = parseBody(createRoleSchema, body);
  if (!parsed.ok) return parsed.response;
  if (directory.roleCount() >= MAX_GUILD_ROLES) return badRequest(`the guild already has ${MAX_GUILD_ROLES} roles, Discord's maximum`);
  const { position, ...input } = parsed.value;
  const role = directory.createRole(input);
  const placed = position === undefined ? role : directory.updateRole(role.id, { position });
  return jsonResponse(201, placed);
}

function updateRole(directory: Directory, roleId: string, body: string): EmulatorResponse {
  const parsed = parseBody(updateRoleSchema, body);
  if (!parsed.ok) return parsed.response;
  if (!directory.hasRole(roleId)) return controlError(404, `role_id: no role ${roleId}`);
  if (directory.isEveryoneRole(roleId) && parsed.value.position !== undefined) return badRequest("position: @everyone always stays at 0");
  return jsonResponse(200, directory.updateRole(roleId, parsed.value));
}

function deleteRole(directory: Directory, roleId: string): EmulatorResponse {
  if (directory.isEveryoneRole(roleId)) return badRequest("role_id: @everyone cannot be deleted");
  if (!directory.hasRole(roleId)) return controlError(404, `role_id: no role ${roleId}`);
  directory.deleteRole(roleId);
  return jsonResponse(200, { deleted: true });
}

type GuildAction = { pattern: RegExp; run: (directory: Directory, id: string, body: string) => EmulatorResponse };

/** `:id` is the one path parameter of each action; order matters only where a literal could look like an id. */
const GUILD_ACTIONS: readonly GuildAction[] = [
  { pattern: /^POST members\/bulk$/, run: (directory, _id, body) => bulkMembers(directory, body) },
  { pattern: /^PUT members\/(\d+)$/, run: (directory, id) => joinMember(directory, id) },
  { pattern: /^DELETE members\/(\d+)$/, run: (directory, id) => removeMember(directory, id) },
  { pattern: /^POST members\/(\d+)\/roles$/, run: changeMemberRoles },
  { pattern: /^POST members\/(\d+)\/nick$/, run: setNick },
  { pattern: /^POST roles$/, run: (directory, _id, body) => createRole(directory, body) },
  { pattern: /^PATCH roles\/(\d+)$/, run: updateRole },
  { pattern: /^DELETE roles\/(\d+)$/, run: (directory, id) => deleteRole(directory, id) },
];

/** The answer to a guild action (`"<METHOD> <path>"` below `/__emulator/`), or undefined when `action` is not one. */
export function handleGuildControl(directory: Directory, action: string, body: string): EmulatorResponse | undefined {
  for (const { pattern, run } of GUILD_ACTIONS) {
    const match = pattern.exec(action);
    if (match) return run(directory, match[1] ?? "", body);
  }
  return undefined;
}
