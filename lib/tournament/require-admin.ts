import "server-only";
import { freshActor, type Actor, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction } from "@/lib/actions/admission";
import type { ActionContext } from "@/lib/actions/context";
import { ApiError } from "@/lib/api/errors";

/**
 * The tournament admin's own routes answer anyone else as if they did not
 * exist, as the admin area does: at once when the caller's cached roles show
 * no admin (no Discord call spent), else after their roles are read fresh
 * through the bot.
 */
export async function requireTournamentAdmin(context: ActionContext, user: SessionActor): Promise<Actor> {
  const cached = await context.roleCache.cached(user.id);
  if (cached && !cached.roles.includes(context.roleIds.tournamentAdmin)) throw notFound();
  await admitDiscordAction(context, user.id);
  const actor = await freshActor(context, user);
  if (!actor.isAdmin) throw notFound();
  return actor;
}

function notFound(): ApiError {
  return new ApiError("not_found", "There is nothing here.");
}
