import "server-only";
import type { ActionResult } from "@/lib/api/answer";
import { ApiError } from "@/lib/api/errors";
import { auditJson, requestStreamOf, type AuditInput } from "@/lib/audit/log";
import { hitRateLimit } from "@/lib/api/rate-limit";
import { createProfileStore, type StoredProfile } from "@/lib/profile/store";
import { runScript } from "@/lib/redis/scripts";
import { teamDropRequestScript } from "@/lib/redis/scripts/team-drop-request";
import { teamRequestJoinScript } from "@/lib/redis/scripts/team-request-join";
import { freshActor, freshRoles, grant, revoke, rolesAfter, type Actor } from "@/lib/actions/actor";
import { admitDiscordAction, countingRefusals } from "@/lib/actions/admission";
import { teamNameKey } from "@/lib/actions/keys";
import { subjects } from "@/lib/actions/locks";
import { actionPolicy } from "@/lib/actions/policy";
import { createdRole, runExclusive, runSaga, teamsWithOpenJournals, type Step } from "@/lib/actions/saga";
import { adoptTeamFromRoles } from "./adopt";
import type { JoinRequest, MyTeam, Person, RosterEntry, TeamDetail, TeamList, TeamSummary } from "./answer";
import type { TeamContext } from "./context";
import type { CreateTeamInput } from "./input";
import { teamPolicy } from "./policy";
import { requireUniqueNameAndTag } from "./require-unique-name";
import { createTeamStore, type Membership, type TeamRecord } from "./store";
import { requireSafeTeamRole } from "./team-role";

export type SessionActor = { id: string; name: string };

function done(applied: boolean, teamId: string | null, message: string): ActionResult {
  return { ok: true, applied, teamId, message };
}

/**
 * Every team action. Each one first judges the caller's rights and the
 * request from what is known (Redis records, the caller's cached roles), so
 * a caller without rights, or a request that changes nothing, takes no lock
 * and spends no Discord call; refusals count against the caller. An action
 * that will change something is admitted against the guild's shared Discord
 * budget, then re-reads the actor's roles fresh through the bot and checks
 * their rights and the team's state again while holding the locks of the
 * team and users it touches, changes Discord and Redis through a saga
 * (never half-applied), audits the change in the same atomic step, and writes
 * the new roles through to the role cache so the next page shows them.
 * Each is idempotent: when the end state already holds, it answers
 * `applied: false` and changes nothing.
 */
export function createTeamService(context: TeamContext) {
  const store = createTeamStore(context.redis, context.keys);
  const profiles = createProfileStore(context.redis, context.keys);
  const ids = context.roleIds;

  async function requireTeam(teamId: string): Promise<TeamRecord> {
    const team = await store.team(teamId);
    if (!team) throw new ApiError(404, "team_not_found", "This team does not exist (it may have been disbanded).");
    return team;
  }

  function manages(actor: Actor, team: TeamRecord): boolean {
    return team.managerId === actor.id && actor.roles.includes(ids.teamManager) && actor.roles.includes(team.id);
  }

  function requireManage(actor: Actor, team: TeamRecord): void {
    if (!actor.isAdmin && !manages(actor, team)) throw new ApiError(403, "forbidden", "Only this team's manager or a tournament admin can do that.");
  }

  async function requireFreeAgent(actor: Actor): Promise<void> {
    if (!actor.roles.includes(ids.updatedProfile)) throw new ApiError(403, "profile_required", "Complete your player profile first.");
    const inTeam = (await store.teamOf(actor.id)) !== null || actor.roles.includes(ids.player) || actor.roles.includes(ids.teamManager);
    if (inTeam) throw new ApiError(409, "in_team", "You are already in a team. Leave it first.");
  }

  /**
   * The caller's roles as last seen, from the role cache (their page keeps
   * it fresh), for judging rights before any lock is taken or any Discord
   * call is spent. Read fresh, and admitted, only when there is none.
   */
  async function knownRoles(user: SessionActor): Promise<string[]> {
    const cached = await context.roleCache.cached(user.id);
    if (cached) return cached.roles;
    await admitDiscordAction(context, user.id);
    const roles = await freshRoles(context, user.id);
    if (roles === null) throw new ApiError(403, "not_in_server", "Join the SAFA Discord server first, then try again.");
    return roles;
  }

  /** Rights judged before locking: whoever may not manage the team never holds its locks. Judged again, fresh, under them. */
  async function requireKnownManage(user: SessionActor, team: TeamRecord): Promise<void> {
    if (team.managerId === user.id) return;
    if ((await knownRoles(user)).includes(ids.tournamentAdmin)) return;
    throw new ApiError(403, "forbidden", "Only this team's manager or a tournament admin can do that.");
  }

  /** `requireFreeAgent` from what is known, before locking. */
  async function requireKnownFreeAgent(user: SessionActor, roles: readonly string[]): Promise<void> {
    if (!roles.includes(ids.updatedProfile)) throw new ApiError(403, "profile_required", "Complete your player profile first.");
    const inTeam = (await store.teamOf(user.id)) !== null || roles.includes(ids.player) || roles.includes(ids.teamManager);
    if (inTeam) throw new ApiError(409, "in_team", "You are already in a team. Leave it first.");
  }

  function audit(actor: SessionActor, action: AuditInput["action"], team: { id: string | null; name: string | null }, targetId: string | null, detail: string | null): AuditInput {
    return { actorId: actor.id, actorName: actor.name, action, teamId: team.id, teamName: team.name, targetId, detail };
  }

  async function dropRequest(teamId: string, userId: string, entry: AuditInput): Promise<boolean> {
    const reply = await runScript(
      context.redis,
      teamDropRequestScript,
      [context.keys.requests(teamId), context.keys.userRequests, entry.action === "team.withdraw" ? requestStreamOf(context.keys.audit) : context.keys.audit],
      [teamId, userId, auditJson(entry, context.now()), actionPolicy.auditEntriesMax],
    );
    return reply === "ok";
  }

  /** Users the action did not read fresh: their cached roles are patched, if they have any. */
  async function patchCachedRoles(userIds: readonly string[], steps: readonly Step[], droppedRoleId: string | null): Promise<void> {
    for (const userId of userIds) {
      const cached = await context.roleCache.cached(userId);
      if (!cached) continue;
      const before = droppedRoleId === null ? cached.roles : cached.roles.filter((roleId) => roleId !== droppedRoleId);
      await context.roleCache.writeThrough(userId, rolesAfter(before, steps, userId, null));
    }
  }

  async function people(userIds: readonly string[]): Promise<{ names: Map<string, string>; profiles: Map<string, StoredProfile> }> {
    const [names, found] = await Promise.all([store.displayNames(userIds), profiles.many(userIds)]);
    return { names, profiles: found };
  }

  function person(userId: string, found: { names: Map<string, string>; profiles: Map<string, StoredProfile> }): Person {
    const profile = found.profiles.get(userId);
    return {
      userId,
      name: found.names.get(userId) ?? profile?.gamerTag ?? `Member …${userId.slice(-4)}`,
      gamerTag: profile?.gamerTag ?? null,
      position: profile?.position ?? null,
      platform: profile?.platform ?? null,
      country: profile?.country ?? null,
    };
  }

  async function detail(team: TeamRecord, withRequests: boolean, pending: Set<string>): Promise<TeamDetail> {
    const [members, requests] = await Promise.all([store.members(team.id), withRequests ? store.requests(team.id) : Promise.resolve<Membership[]>([])]);
    const found = await people([...members, ...requests].map((entry) => entry.userId));
    const roster: RosterEntry[] = members
      .map((member) => ({
        ...person(member.userId, found),
        role: member.userId === team.managerId ? ("manager" as const) : ("player" as const),
        joinedAt: new Date(member.at).toISOString(),
      }))
      .sort((a, b) => (a.role === b.role ? a.joinedAt.localeCompare(b.joinedAt) : a.role === "manager" ? -1 : 1));
    const joinRequests: JoinRequest[] = requests.map((request) => ({ ...person(request.userId, found), requestedAt: new Date(request.at).toISOString() }));
    return {
      id: team.id,
      name: team.name,
      tag: team.tag,
      managerId: team.managerId,
      rosterMax: context.rosterMax,
      roster,
      requests: joinRequests,
      pendingChange: pending.has(team.id),
    };
  }

  const service = {
    /** Every team, for free agents browsing: name, tag, manager, roster size, open or full. */
    async listTeams(user: SessionActor): Promise<TeamList> {
      const teamIds = await store.teamIds();
      const teams = (await Promise.all(teamIds.map((teamId) => store.team(teamId)))).filter((team): team is TeamRecord => team !== null);
      const sizes = await Promise.all(teams.map((team) => context.redis.zcard(context.keys.members(team.id))));
      const managerIds = teams.map((team) => team.managerId).filter((managerId): managerId is string => managerId !== null);
      const found = await people(managerIds);
      const requested = new Set(await store.requestedTeams(user.id));
      const summaries: TeamSummary[] = teams.map((team, index) => {
        const rosterSize = sizes[index] ?? 0;
        return {
          id: team.id,
          name: team.name,
          tag: team.tag,
          managerName: team.managerId === null ? null : person(team.managerId, found).name,
          rosterSize,
          rosterMax: context.rosterMax,
          open: rosterSize < context.rosterMax,
          requested: requested.has(team.id),
        };
      });
      summaries.sort((a, b) => a.name.localeCompare(b.name));
      return { teams: summaries, myRequests: summaries.filter((team) => team.requested).length, myRequestsMax: teamPolicy.pendingRequestsPerUserMax };
    },

    /**
     * The user's team as their page shows it. Reads the role cache only (no
     * Discord call); a team role Redis does not know yet is adopted here.
     */
    async myTeam(user: SessionActor): Promise<MyTeam> {
      const roles = (await context.roleCache.cached(user.id))?.roles ?? [];
      let teamId = await store.teamOf(user.id);
      if (teamId === null && (roles.includes(ids.player) || roles.includes(ids.teamManager))) teamId = await adoptTeamFromRoles(context, user, roles);
      const team = teamId === null ? null : await store.team(teamId);
      if (!team) return { viewerId: user.id, team: null, canManage: false };
      const canManage = roles.includes(ids.tournamentAdmin) || team.managerId === user.id;
      return { viewerId: user.id, team: await detail(team, canManage, await teamsWithOpenJournals(context.redis, context.keys)), canManage };
    },

    /** Every team with roster and requests, for the admin area. */
    async allTeams(): Promise<TeamDetail[]> {
      const pending = await teamsWithOpenJournals(context.redis, context.keys);
      const teams = (await Promise.all((await store.teamIds()).map((teamId) => store.team(teamId)))).filter((team): team is TeamRecord => team !== null);
      const details = await Promise.all(teams.map((team) => detail(team, true, pending)));
      return details.sort((a, b) => a.name.localeCompare(b.name));
    },

    async createTeam(user: SessionActor, input: CreateTeamInput): Promise<ActionResult> {
      const normalised = teamNameKey(input.name);
      const current = await store.teamOf(user.id);
      const currentTeam = current === null ? null : await store.team(current);
      if (currentTeam && teamNameKey(currentTeam.name) === normalised && currentTeam.managerId === user.id) {
        return done(false, currentTeam.id, `${currentTeam.name} already exists and you manage it.`);
      }
      await requireKnownFreeAgent(user, await knownRoles(user));
      await requireUniqueNameAndTag(context, input);
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.user(user.id), subjects.teamName(normalised)], async (held) => {
        const actor = await freshActor(context, user);
        const current = await store.teamOf(actor.id);
        const currentTeam = current === null ? null : await store.team(current);
        if (currentTeam && teamNameKey(currentTeam.name) === normalised && currentTeam.managerId === actor.id) {
          return done(false, currentTeam.id, `${currentTeam.name} already exists and you manage it.`);
        }
        await requireFreeAgent(actor);
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
          audit: audit(user, "team.create", { id: null, name: input.name }, null, `tag ${input.tag}`),
        });
        await context.roleCache.writeThrough(actor.id, rolesAfter(actor.roles, steps, actor.id, result.createdRoleId));
        await context.redis.del(context.keys.guildRoles);
        return done(true, result.createdRoleId, `${input.name} is created and you are its manager.`);
      });
    },

    /**
     * Filing a request changes nothing on Discord, so it is judged from the
     * caller's cached roles (read fresh only when there are none): a burst
     * of repeats spends no Discord call. The approval reads the player's
     * roles fresh before anything is given. Filing is limited per user, so
     * asking and withdrawing in a loop cannot flood the audit log.
     */
    async requestToJoin(user: SessionActor, teamId: string): Promise<ActionResult> {
      const team = await requireTeam(teamId);
      if ((await store.teamOf(user.id)) !== null) throw new ApiError(409, "in_team", "You are already in a team. Leave it first.");
      if (await store.hasRequest(teamId, user.id)) return done(false, teamId, `Your request to ${team.name} is already pending.`);
      const roles = await knownRoles(user);
      await requireKnownFreeAgent(user, roles);
      const verdict = await hitRateLimit(context.redis, "joinRequests", user.id);
      if (!verdict.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1_000));
        throw new ApiError(429, "too_many_join_requests", `You have asked to join teams too often. Please wait ${Math.ceil(retryAfterSeconds / 60)} min.`, { retryAfterSeconds });
      }
      await context.redis.hset(context.keys.userNames, user.id, user.name.slice(0, 100));
      const reply = await runScript(
        context.redis,
        teamRequestJoinScript,
        [
          context.keys.team(teamId),
          context.keys.members(teamId),
          context.keys.requests(teamId),
          context.keys.userTeam,
          context.keys.userRequests,
          requestStreamOf(context.keys.audit),
        ],
        [
          teamId,
          user.id,
          context.rosterMax,
          teamPolicy.pendingRequestsPerUserMax,
          context.now(),
          auditJson(audit(user, "team.request", team, user.id, null), context.now()),
          actionPolicy.auditEntriesMax,
        ],
      );
      switch (reply) {
        case "ok":
          return done(true, teamId, `Request sent to ${team.name}.`);
        case "exists":
          return done(false, teamId, `Your request to ${team.name} is already pending.`);
        case "full":
          throw new ApiError(409, "full", `${team.name}'s roster is full.`);
        case "too-many":
          throw new ApiError(409, "too_many_requests", `You already have ${teamPolicy.pendingRequestsPerUserMax} open requests. Withdraw one first.`);
        case "in-team":
          throw new ApiError(409, "in_team", "You are already in a team. Leave it first.");
        default:
          throw new ApiError(404, "team_not_found", "This team does not exist (it may have been disbanded).");
      }
    },

    /** Withdrawing one's own request depends on no role, so it spends no Discord call. */
    async withdrawRequest(user: SessionActor, teamId: string): Promise<ActionResult> {
      const team = await store.team(teamId);
      const dropped = await dropRequest(teamId, user.id, audit(user, "team.withdraw", { id: teamId, name: team?.name ?? null }, user.id, null));
      return dropped ? done(true, teamId, "Request withdrawn.") : done(false, teamId, "You have no pending request to this team.");
    },

    /** Under the same locks as an approval, so an approve and a decline of one request cannot interleave. */
    async declineRequest(user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
      await requireKnownManage(user, await requireTeam(teamId));
      if (!(await store.hasRequest(teamId, userId))) return done(false, teamId, "There is no pending request from this player.");
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async () => {
        const actor = await freshActor(context, user);
        const team = await requireTeam(teamId);
        requireManage(actor, team);
        const detailNote = actor.isAdmin && !manages(actor, team) ? "by a tournament admin" : null;
        const dropped = await dropRequest(teamId, userId, audit(user, "team.decline", team, userId, detailNote));
        return dropped ? done(true, teamId, "Request declined.") : done(false, teamId, "There is no pending request from this player.");
      });
    },

    async approveRequest(user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
      const known = await requireTeam(teamId);
      await requireKnownManage(user, known);
      if ((await store.teamOf(userId)) === teamId) return done(false, teamId, "This player is already on the roster.");
      if (!(await store.hasRequest(teamId, userId))) throw new ApiError(404, "no_request", "There is no pending request from this player.");
      // A role made on Discord is judged again before the bot hands it out: it may have gained a permission since it was marked.
      if (known.adopted) await requireSafeTeamRole(context, teamId);
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
        const actor = await freshActor(context, user);
        const team = await requireTeam(teamId);
        requireManage(actor, team);
        const currentTeam = await store.teamOf(userId);
        if (currentTeam === teamId) return done(false, teamId, "This player is already on the roster.");
        if (!(await store.hasRequest(teamId, userId))) throw new ApiError(404, "no_request", "There is no pending request from this player.");
        if (currentTeam !== null) {
          await dropRequest(teamId, userId, audit(user, "team.decline", team, userId, "joined another team"));
          throw new ApiError(409, "in_team", "This player has joined another team since asking.");
        }
        const members = await store.members(teamId);
        if (members.length >= context.rosterMax) throw new ApiError(409, "full", `The roster is full (${context.rosterMax} players).`);
        const targetRoles = userId === actor.id ? actor.roles : await freshRoles(context, userId);
        if (targetRoles === null) {
          await dropRequest(teamId, userId, audit(user, "team.decline", team, userId, "left the Discord server"));
          throw new ApiError(409, "not_in_server", "This player has left the Discord server.");
        }
        if (targetRoles.includes(ids.player) || targetRoles.includes(ids.teamManager)) throw new ApiError(409, "in_team", "This player is already in a team on Discord.");
        const steps = [...grant(targetRoles, userId, teamId), ...grant(targetRoles, userId, ids.player), ...revoke(targetRoles, userId, ids.freeAgent)];
        await runSaga(context, held, {
          settlement: "undo",
          subjects: held.subjects,
          steps,
          commit: { kind: "join", teamId, userId, rosterMax: context.rosterMax },
          audit: audit(user, "team.approve", team, userId, `roster ${members.length + 1}/${context.rosterMax}`),
        });
        await context.roleCache.writeThrough(userId, rolesAfter(targetRoles, steps, userId, null));
        return done(true, teamId, "The player joined the team.");
      });
    },

    /** Removing a player (manager or admin), or leaving (the player themself): back to free agent. */
    async removeMember(user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
      const known = await requireTeam(teamId);
      const leavingNow = userId === user.id;
      if (!leavingNow) await requireKnownManage(user, known);
      if ((await store.teamOf(userId)) !== teamId) {
        return done(false, teamId, leavingNow ? "You are not on this team any more." : "This player is not on the team.");
      }
      if (known.managerId === userId) {
        const message = leavingNow ? "You manage this team: hand over management or disband it first." : "The manager cannot be removed: hand over management first.";
        throw new ApiError(409, "is_manager", message);
      }
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
        const actor = await freshActor(context, user);
        const team = await requireTeam(teamId);
        const leaving = userId === actor.id;
        if (!leaving) requireManage(actor, team);
        if ((await store.teamOf(userId)) !== teamId) {
          return done(false, teamId, leaving ? "You are not on this team any more." : "This player is not on the team.");
        }
        if (team.managerId === userId) {
          const message = leaving ? "You manage this team: hand over management or disband it first." : "The manager cannot be removed: hand over management first.";
          throw new ApiError(409, "is_manager", message);
        }
        const targetRoles = leaving ? actor.roles : await freshRoles(context, userId);
        const steps = targetRoles === null ? [] : [...revoke(targetRoles, userId, teamId), ...revoke(targetRoles, userId, ids.player), ...grant(targetRoles, userId, ids.freeAgent)];
        await runSaga(context, held, {
          settlement: "undo",
          subjects: held.subjects,
          steps,
          commit: { kind: "leave", teamId, userId },
          audit: audit(user, leaving ? "team.leave" : "team.remove", team, userId, null),
        });
        if (targetRoles !== null) await context.roleCache.writeThrough(userId, rolesAfter(targetRoles, steps, userId, null));
        return done(true, teamId, leaving ? `You left ${team.name}.` : `The player was removed from ${team.name}.`);
      });
    },

    async transferManager(user: SessionActor, teamId: string, userId: string): Promise<ActionResult> {
      const known = await requireTeam(teamId);
      await requireKnownManage(user, known);
      if (known.managerId === userId) return done(false, teamId, "This player already manages the team.");
      if ((await store.teamOf(userId)) !== teamId) throw new ApiError(409, "not_member", "Only a player on the team can become its manager.");
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.team(teamId), subjects.user(userId)], async (held) => {
        const actor = await freshActor(context, user);
        const team = await requireTeam(teamId);
        requireManage(actor, team);
        if (team.managerId === userId) return done(false, teamId, "This player already manages the team.");
        if ((await store.teamOf(userId)) !== teamId) throw new ApiError(409, "not_member", "Only a player on the team can become its manager.");
        const newRoles = userId === actor.id ? actor.roles : await freshRoles(context, userId);
        if (newRoles === null) throw new ApiError(409, "not_in_server", "This player has left the Discord server.");
        const oldId = team.managerId;
        const oldRoles = oldId === null ? null : oldId === actor.id ? actor.roles : await freshRoles(context, oldId);
        const steps: Step[] = [...grant(newRoles, userId, ids.teamManager), ...revoke(newRoles, userId, ids.player)];
        if (oldId !== null && oldRoles !== null) steps.push(...revoke(oldRoles, oldId, ids.teamManager), ...grant(oldRoles, oldId, ids.player));
        await runSaga(context, held, {
          settlement: "undo",
          subjects: held.subjects,
          steps,
          commit: { kind: "transfer", teamId, fromUserId: oldId ?? "", toUserId: userId },
          audit: audit(user, "team.transfer", team, userId, oldId === null ? null : `from ${oldId}`),
        });
        await context.roleCache.writeThrough(userId, rolesAfter(newRoles, steps, userId, null));
        if (oldId !== null && oldRoles !== null) await context.roleCache.writeThrough(oldId, rolesAfter(oldRoles, steps, oldId, null));
        return done(true, teamId, "Management handed over.");
      });
    },

    /**
     * Deletes the team's Discord role and makes every member a free agent.
     * A deleted role cannot be restored, so a disband that fails half-way is
     * finished by the next attempt rather than undone.
     */
    async disbandTeam(user: SessionActor, teamId: string): Promise<ActionResult> {
      const known = await store.team(teamId);
      if (!known) {
        if (await store.wasDisbanded(teamId)) return done(false, null, "This team is already disbanded.");
        throw new ApiError(404, "team_not_found", "This team does not exist.");
      }
      await requireKnownManage(user, known);
      // Nor does the bot delete a role made on Discord that has become more than a team's since it was marked.
      if (known.adopted) await requireSafeTeamRole(context, teamId);
      await admitDiscordAction(context, user.id);
      return runExclusive(context, [subjects.team(teamId)], async (held) => {
        const actor = await freshActor(context, user);
        const team = await store.team(teamId);
        if (!team) {
          if (await store.wasDisbanded(teamId)) return done(false, null, "This team is already disbanded.");
          throw new ApiError(404, "team_not_found", "This team does not exist.");
        }
        requireManage(actor, team);
        const members = await store.members(teamId);
        const steps: Step[] = members.flatMap(({ userId }): Step[] => [
          ...(userId === team.managerId ? [{ kind: "remove-role" as const, userId, roleId: ids.teamManager }] : []),
          { kind: "remove-role", userId, roleId: ids.player },
          { kind: "add-role", userId, roleId: ids.freeAgent },
        ]);
        steps.push({ kind: "delete-role", roleId: teamId });
        await runSaga(context, held, {
          settlement: "finish",
          subjects: held.subjects,
          steps,
          commit: { kind: "disband", teamId },
          audit: audit(user, "team.disband", team, null, `${members.length} members back to free agent`),
        });
        await patchCachedRoles(
          members.map((member) => member.userId),
          steps,
          teamId,
        );
        await context.redis.del(context.keys.guildRoles);
        return done(true, null, `${team.name} is disbanded; its members are free agents again.`);
      });
    },
  };

  /** An action whose refusals count against the caller (see `countingRefusals`). */
  function counted<A extends unknown[]>(action: (user: SessionActor, ...args: A) => Promise<ActionResult>) {
    return (user: SessionActor, ...args: A) => countingRefusals(context, user.id, () => action(user, ...args));
  }

  return {
    ...service,
    createTeam: counted(service.createTeam),
    requestToJoin: counted(service.requestToJoin),
    withdrawRequest: counted(service.withdrawRequest),
    declineRequest: counted(service.declineRequest),
    approveRequest: counted(service.approveRequest),
    removeMember: counted(service.removeMember),
    transferManager: counted(service.transferManager),
    disbandTeam: counted(service.disbandTeam),
  };
}

export type TeamService = ReturnType<typeof createTeamService>;
