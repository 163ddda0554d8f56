import "server-only";
import { freshActor, grant, rolesAfter } from "@/lib/teams/actor";
import type { ActionResult } from "@/lib/teams/answer";
import type { TeamContext } from "@/lib/teams/context";
import { subjects } from "@/lib/teams/locks";
import { runExclusive, runSaga } from "@/lib/teams/saga";
import type { ProfileInput } from "./schema";
import { createProfileStore, profileJson, type StoredProfile } from "./store";

function sameProfile(stored: StoredProfile | null, profile: ProfileInput): boolean {
  return stored !== null && (Object.keys(profile) as (keyof ProfileInput)[]).every((field) => stored[field] === profile[field]);
}

/**
 * Saves the profile and gives the roles that come with it: updated-profile,
 * and free-agent unless the user is already in a team. Discord first, then
 * the stored profile, as one saga, so a failure leaves neither half behind.
 */
export async function saveProfile(context: TeamContext, user: { id: string; name: string }, profile: ProfileInput): Promise<ActionResult> {
  const ids = context.roleIds;
  return runExclusive(context, [subjects.user(user.id)], async (held) => {
    const actor = await freshActor(context, user);
    const inTeam = (await context.redis.hexists(context.keys.userTeam, actor.id)) === 1 || actor.roles.includes(ids.player) || actor.roles.includes(ids.teamManager);
    const steps = [...grant(actor.roles, actor.id, ids.updatedProfile), ...(inTeam ? [] : grant(actor.roles, actor.id, ids.freeAgent))];
    // A double submit or a retry of a save that went through changes nothing and is not audited twice.
    if (steps.length === 0 && sameProfile(await createProfileStore(context.redis, context.keys).get(actor.id), profile)) {
      return { ok: true, applied: false, teamId: null, message: "Profile saved." };
    }
    await runSaga(context, held, {
      settlement: "undo",
      subjects: held.subjects,
      steps,
      commit: { kind: "profile", userId: actor.id, profileJson: profileJson(profile, context.now()) },
      audit: { actorId: actor.id, actorName: actor.name, action: "profile.save", teamId: null, teamName: null, targetId: actor.id, detail: profile.gamerTag },
    });
    await context.roleCache.writeThrough(actor.id, rolesAfter(actor.roles, steps, actor.id, null));
    return { ok: true, applied: true, teamId: null, message: "Profile saved." };
  });
}
