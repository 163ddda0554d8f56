import "server-only";
import { freshActor, grant, rolesAfter } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import type { ActionContext } from "@/lib/actions/context";
import { subjects } from "@/lib/actions/locks";
import { runExclusive, runSaga } from "@/lib/actions/saga";
import type { ActionResult } from "@/lib/api/answer";
import { refreshPoolEntry } from "@/lib/pool/refresh-entry";
import { requireUniqueClaims } from "./require-unique-claims";
import type { ProfileInput } from "./schema";
import { createProfileStore, profileJson, type StoredProfile } from "./store";

function sameProfile(stored: StoredProfile | null, profile: ProfileInput): boolean {
  return stored !== null && (Object.keys(profile) as (keyof ProfileInput)[]).every((field) => stored[field] === profile[field]);
}

/** The role changes a save makes: updated-profile, and free-agent unless the user is in a team. */
async function profileSteps(context: ActionContext, userId: string, roles: readonly string[]) {
  const ids = context.roleIds;
  const inTeam = (await createProfileStore(context.redis, context.keys).inTeam(userId)) || roles.includes(ids.player) || roles.includes(ids.teamManager);
  return [...grant(roles, userId, ids.updatedProfile), ...(inTeam ? [] : grant(roles, userId, ids.freeAgent))];
}

const unchanged: ActionResult = { ok: true, applied: false, teamId: null, message: "Profile saved." };

/**
 * Saves the profile and gives the roles that come with it: updated-profile,
 * and free-agent unless the user is already in a team. Discord first, then
 * the stored profile, as one saga, so a failure leaves neither half behind.
 * A save that changes nothing by what is known (cached roles, the stored
 * profile) takes no lock and spends no Discord call; any other is admitted
 * against the guild's shared Discord budget first.
 */
export async function saveProfile(context: ActionContext, user: { id: string; name: string }, profile: ProfileInput): Promise<ActionResult> {
  return countingRefusals(context, user.id, async () => {
    const cached = await context.roleCache.cached(user.id);
    if (cached && (await profileSteps(context, user.id, cached.roles)).length === 0 && sameProfile(await createProfileStore(context.redis, context.keys).get(user.id), profile)) {
      return unchanged;
    }
    await admitDiscordAction(context, user.id);
    return saveUnderLock(context, user, profile);
  });
}

async function saveUnderLock(context: ActionContext, user: { id: string; name: string }, profile: ProfileInput): Promise<ActionResult> {
  return runExclusive(context, [subjects.user(user.id)], async (held) => {
    const actor = await freshActor(context, user);
    const steps = await profileSteps(context, actor.id, actor.roles);
    // A double submit or a retry of a save that went through changes nothing and is not audited twice.
    if (steps.length === 0 && sameProfile(await createProfileStore(context.redis, context.keys).get(actor.id), profile)) {
      return unchanged;
    }
    await requireUniqueClaims(context, actor.id, profile);
    await runSaga(context, held, {
      settlement: "undo",
      subjects: held.subjects,
      steps,
      commit: { kind: "profile", userId: actor.id, profileJson: profileJson(profile, context.now()) },
      audit: { actorId: actor.id, actorName: actor.name, action: "profile.save", teamId: null, teamName: null, targetId: actor.id, detail: profile.gamerTag },
    });
    await context.roleCache.writeThrough(actor.id, rolesAfter(actor.roles, steps, actor.id, null));
    await refreshPoolEntry(context, actor, profile);
    return { ok: true, applied: true, teamId: null, message: "Profile saved." };
  });
}
