/*
 * The decisions of following Discord, as pure functions of what the mirror
 * and the records say, so each rule is testable on its own.
 */

/** A team role as the follow-up judges it. */
export type TeamRoleFacts = {
  id: string;
  /** The team is recorded; false for a marked role that is not a team yet. */
  recorded: boolean;
  /** When the team was recorded; a role not yet a team counts as newest. */
  createdAt: number;
  /** The role is on Discord (in the mirror); a team whose role is gone is disbanded. */
  onDiscord: boolean;
  /** The role may take holders onto a roster: on Discord and passing the team-role checks. */
  open: boolean;
};

/**
 * Where a member belongs. Discord lets a member hold two team roles; a
 * member is on one roster only, so they stay where they are while they hold
 * that team's role, and otherwise join the oldest team whose role they hold.
 * `alsoHeld`: the other team roles they hold, flagged in the audit log.
 */
export type MemberPlan = { leave: string | null; join: string | null; alsoHeld: string[] };

export function planMember(current: string | null, roles: readonly string[] | null, teams: ReadonlyMap<string, TeamRoleFacts>): MemberPlan {
  const held = (roles ?? []).flatMap((roleId) => {
    const facts = teams.get(roleId);
    return facts && facts.onDiscord ? [facts] : [];
  });
  if (current !== null && held.some((facts) => facts.id === current)) {
    return { leave: null, join: null, alsoHeld: held.filter((facts) => facts.id !== current).map((facts) => facts.id) };
  }
  const choice = held.filter((facts) => facts.open).sort(olderFirst)[0] ?? null;
  // A team whose role is gone from Discord is disbanded as a whole, not left member by member.
  const leave = current !== null && teams.get(current)?.onDiscord !== false ? current : null;
  return { leave, join: choice?.id ?? null, alsoHeld: held.filter((facts) => facts.id !== choice?.id).map((facts) => facts.id) };
}

function olderFirst(a: TeamRoleFacts, b: TeamRoleFacts): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id);
}

/**
 * The team's manager: whoever holds its role and the team manager role.
 * The current manager stays while they qualify; otherwise the longest on
 * the roster among those who do; nobody when none does.
 */
export function chooseManager(current: string | null, roster: readonly { userId: string; at: number }[], qualifies: (userId: string) => boolean): string | null {
  if (current !== null && roster.some((entry) => entry.userId === current) && qualifies(current)) return current;
  const candidates = roster.filter((entry) => qualifies(entry.userId)).sort((a, b) => a.at - b.at || a.userId.localeCompare(b.userId));
  return candidates[0]?.userId ?? null;
}

/** The audit's note on a player the roster took from Discord: over the cap, or holding more than one team role. */
export function joinNote(rosterSizeAfter: number, rosterMax: number, alsoHeldNames: readonly string[]): string {
  const notes = ["team role given on Discord"];
  if (rosterSizeAfter > rosterMax) notes.push(`roster ${rosterSizeAfter}/${rosterMax}: over the cap`);
  if (alsoHeldNames.length > 0) notes.push(`also holds the team role of ${alsoHeldNames.join(", ")}; kept on this roster only`);
  return notes.join("; ");
}
