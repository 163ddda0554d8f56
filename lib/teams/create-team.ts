import "server-only";
import { freshActor, grant, revoke, rolesAfter, type SessionActor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { teamNameKey } from "@/lib/actions/keys";
import { subjects } from "@/lib/actions/locks";
import { createdRole, runExclusive, runSaga, type Step } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import type { TeamContext } from "./context";
import type { CreateTeamInput } from "./input";
import { done, teamAudit } from "./outcome";
import { requireUniqueNameAndTag } from "./require-unique-name";
import { knownRoles, requireFreeAgent } from "./rights";
import { requireRoleRoom } from "./role-room";
import { createTeamStore } from "./store";
import { forgetGuildSnapshot } from "./team-role";

/**
 * Creates a team: a new Discord role given to its creator, who becomes its
 * manager and stops being a free agent. Asking again for a team one already
 * manages changes nothing. Refusals count against the caller.
 */
export function createTeam(context: TeamContext, user: SessionActor, input: CreateTeamInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => create(context, user, input));
}

/** The caller's own team, when it is the one asked for: the end state already holds. */
async function alreadyManaged(context: TeamContext, userId: string, normalised: string): Promise<ActionResult | null> {
  const store = createTeamStore(context.redis, context.keys);
  const current = await store.teamOf(userId);
  const currentTeam = current === null ? null : await store.team(current);
  if (currentTeam && teamNameKey(currentTeam.name) === normalised && currentTeam.managerId === userId) {
    return done(false, currentTeam.id, `${currentTeam.name} already exists and you manage it.`);
  }
  return null;
}

async function create(context: TeamContext, user: SessionActor, input: CreateTeamInput): Promise<ActionResult> {
  const ids = context.roleIds;
  const normalised = teamNameKey(input.name);
  const known = await alreadyManaged(context, user.id, normalised);
  if (known) return known;
  await requireFreeAgent(context, user.id, await knownRoles(context, user));
  await requireUniqueNameAndTag(context, input);
  await requireRoleRoom(context);
  await admitDiscordAction(context, user.id);
  return runExclusive(context, [subjects.user(user.id), subjects.teamName(normalised)], async (held) => {
    const actor = await freshActor(context, user);
    const managed = await alreadyManaged(context, actor.id, normalised);
    if (managed) return managed;
    await requireFreeAgent(context, actor.id, actor.roles);
    await requireUniqueNameAndTag(context, input);
    const steps: Step[] = [
      { kind: "create-role", name: input.name },
      { kind: "add-role", userId: actor.id, roleId: createdRole },
      ...grant(actor.roles, actor.id, ids.teamManager),
      ...revoke(actor.roles, actor.id, ids.freeAgent),
    ];
    const result = await runSaga(context, held, {
      settlement: "undo",
      subjects: held.subjects,
      steps,
      commit: { kind: "create-team", userId: actor.id, name: input.name, normalizedName: normalised, tag: input.tag },
      audit: teamAudit(user, "team.create", { id: null, name: input.name }, null, `tag ${input.tag}`),
    }).catch(async (error: unknown) => {
      // The cached role list was stale and Discord refused the role (its cap, 30005): say so, not "Discord refused".
      if (error instanceof ApiError && error.code === "discord_rejected") await requireRoleRoom(context, { fresh: true });
      throw error;
    });
    await context.roleCache.writeThrough(actor.id, rolesAfter(actor.roles, steps, actor.id, result.createdRoleId));
    await forgetGuildSnapshot(context);
    return done(true, result.createdRoleId, `${input.name} is created and you are its manager.`);
  });
}
