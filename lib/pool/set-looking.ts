import "server-only";
import type { SessionActor } from "@/lib/actions/actor";
import { countingRefusals } from "@/lib/actions/admission";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { profileSchema, type ProfileInput } from "@/lib/profile/schema";
import type { TeamContext } from "@/lib/teams/context";
import { knownRoles, requireFreeAgent } from "@/lib/teams/rights";
import { createPoolStore } from "./store";

/**
 * The free agent's "looking for a team" switch. Switching on needs a
 * completed profile and no team (judged from the cached roles and the
 * records, as a join request is; the script checks the team again as it
 * writes). Switching off always works. Neither touches Discord. Refusals
 * count against the caller.
 */
export function setLooking(context: TeamContext, user: SessionActor, looking: boolean): Promise<ActionResult> {
  return countingRefusals(context, user.id, () => (looking ? enter(context, user) : leave(context, user)));
}

async function enter(context: TeamContext, user: SessionActor): Promise<ActionResult> {
  const pool = createPoolStore(context.redis, context.keys);
  if (await pool.isLooking(user.id)) return { ok: true, applied: false, teamId: null, message: "You are already in the free-agent pool." };
  await requireFreeAgent(context, user.id, await knownRoles(context, user));
  const profile = await storedProfile(context, user.id);
  if (profile === null) throw new ApiError("profile_required", "Complete your player profile first.");
  const reply = await pool.enter({
    userId: user.id,
    gamerTag: profile.gamerTag,
    platform: profile.platform,
    position: profile.position,
    country: profile.country,
    name: user.name,
    since: context.now(),
  });
  if (reply === "in-team") throw new ApiError("in_team", "You are already in a team. Leave it first.");
  if (reply === "exists") return { ok: true, applied: false, teamId: null, message: "You are already in the free-agent pool." };
  return { ok: true, applied: true, teamId: null, message: "You are in the free-agent pool: managers can find you and offer you a place." };
}

/** The player's stored answers, read here rather than through lib/profile, which calls this folder on every save. */
async function storedProfile(context: TeamContext, userId: string): Promise<ProfileInput | null> {
  const raw = await context.redis.get(context.keys.profile(userId));
  if (raw === null) return null;
  try {
    const parsed = profileSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function leave(context: TeamContext, user: SessionActor): Promise<ActionResult> {
  const left = await createPoolStore(context.redis, context.keys).leave(user.id);
  return { ok: true, applied: left, teamId: null, message: left ? "You left the free-agent pool." : "You are not in the free-agent pool." };
}
