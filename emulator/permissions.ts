import { PermissionFlagsBits, RESTJSONErrorCodes } from "discord-api-types/v10";
import { BOT_USER_ID } from "./fixture";
import { discordError, type EmulatorResponse } from "./http";
import type { Directory } from "./state";

/**
 * What Discord checks before the bot may touch a role: MANAGE_ROLES (or
 * ADMINISTRATOR) from any of its roles, `@everyone` included, and the role
 * strictly below the bot's highest role. ADMINISTRATOR does not lift the
 * hierarchy; only the guild's owner is above it, and the bot never owns SAFA.
 */

export const missingPermissions = (): EmulatorResponse => discordError(403, RESTJSONErrorCodes.MissingPermissions, "Missing Permissions");

/** Every permission the bot holds through its roles and `@everyone`. */
export function botPermissions(directory: Directory): bigint {
  const roleIds = [directory.guildId, ...(directory.memberRoleIds(BOT_USER_ID) ?? [])];
  return roleIds.reduce((bits, roleId) => bits | BigInt(directory.getRole(roleId)?.permissions ?? "0"), 0n);
}

function isAdministrator(bits: bigint): boolean {
  return (bits & PermissionFlagsBits.Administrator) !== 0n;
}

function canManageRoles(bits: bigint): boolean {
  return isAdministrator(bits) || (bits & PermissionFlagsBits.ManageRoles) !== 0n;
}

/** The position of the bot's highest role; 0 (`@everyone`) when it has none. */
function botHighestPosition(directory: Directory): number {
  return Math.max(0, ...(directory.memberRoleIds(BOT_USER_ID) ?? []).map((roleId) => directory.rolePosition(roleId)));
}

/** The refusal for adding, removing, editing or deleting `roleId`, or undefined when the bot may. */
export function refuseRoleChange(directory: Directory, roleId: string): EmulatorResponse | undefined {
  if (!canManageRoles(botPermissions(directory))) return missingPermissions();
  if (directory.rolePosition(roleId) >= botHighestPosition(directory)) return missingPermissions();
  return undefined;
}

/** Giving or taking a role: as above, and nobody may give or take a role an integration manages. */
export function refuseMemberRoleChange(directory: Directory, roleId: string): EmulatorResponse | undefined {
  if (directory.getRole(roleId)?.managed) return missingPermissions();
  return refuseRoleChange(directory, roleId);
}

/** Creating a role, or setting a role's permissions: MANAGE_ROLES, and no permission the bot lacks itself. */
export function refuseRolePermissions(directory: Directory, permissions: string | undefined): EmulatorResponse | undefined {
  const held = botPermissions(directory);
  if (!canManageRoles(held)) return missingPermissions();
  if (permissions === undefined || isAdministrator(held)) return undefined;
  return (BigInt(permissions) & ~held) === 0n ? undefined : missingPermissions();
}
