import "server-only";
import type { MemberChange } from "@/lib/gateway/member-changed";
import type { FollowContext } from "./context";
import { followPolicy } from "./policy";
import { followDeletedRole, reconcileAll } from "./reconcile";
import { syncMember } from "./sync-member";

export type DiscordFollower = ReturnType<typeof createDiscordFollower>;

/**
 * Teams follow Discord, in the Gateway worker that leads: its hooks feed
 * this queue, which follows one change at a time. Changes of the same
 * member or role collapse while they wait (each reads the mirror's current
 * state, not the event), and a resync's reconciliation replaces the member
 * changes waiting before it, so replays after a resume cost nothing twice.
 * Member changes while a resync runs are left to the reconciliation that
 * ends it (the first sync lists every member once).
 */
export function createDiscordFollower(context: FollowContext, policy: { retryPauseMs: number } = followPolicy) {
  const members = new Set<string>();
  const deletedRoles = new Set<string>();
  let reconcile = false;
  let draining: Promise<void> | null = null;
  let stopped = false;
  const retries = new Set<NodeJS.Timeout>();

  function kick(): void {
    if (draining || stopped) return;
    draining = drain().finally(() => {
      draining = null;
      if (!stopped && (reconcile || members.size > 0 || deletedRoles.size > 0)) kick();
    });
  }

  async function drain(): Promise<void> {
    while (!stopped) {
      if (reconcile) {
        reconcile = false;
        members.clear();
        await attempt("reconciliation", () => reconcileAll(context), () => (reconcile = true));
        continue;
      }
      const roleId = first(deletedRoles);
      if (roleId !== undefined) {
        await attempt("deleted role", () => followDeletedRole(context, roleId), () => deletedRoles.add(roleId));
        continue;
      }
      const userId = first(members);
      if (userId === undefined) return;
      if ((await resyncRunning(context)) && !stopped) continue;
      await attempt("member", () => syncMember(context, userId), () => members.add(userId));
    }
  }

  /**
   * The member changes a running resync brings are dropped: the reconciliation after it covers them.
   * So are those that arrive while a resync is owed (the mirror may have missed events): the same reconciliation follows.
   */
  async function resyncRunning(ctx: FollowContext): Promise<boolean> {
    try {
      const resync = await ctx.redis.hget(ctx.mirrorKeys.status, "resync");
      if (resync !== "running" && resync !== "needed") return false;
    } catch {
      return false;
    }
    members.clear();
    return true;
  }

  async function attempt(what: string, run: () => Promise<void>, requeue: () => void): Promise<void> {
    try {
      await run();
    } catch (error) {
      context.log.warn({ err: (error as Error).message, what }, "a change made on Discord was not followed yet; trying again");
      const timer = setTimeout(() => {
        retries.delete(timer);
        requeue();
        kick();
      }, policy.retryPauseMs);
      timer.unref();
      retries.add(timer);
    }
  }

  return {
    /** The onMemberChanged hook of the Gateway worker. */
    memberChanged(change: MemberChange): void {
      members.add(change.userId);
      kick();
    },
    /** The onRoleDeleted hook. */
    roleDeleted(deleted: { roleId: string }): void {
      deletedRoles.add(deleted.roleId);
      kick();
    },
    /** The onResynced hook: remembers the bot (for the team-role checks) and reconciles every team. */
    resynced(resynced: { botUserId: string | null }): void {
      const remembered = resynced.botUserId === null ? Promise.resolve() : context.redis.set(context.botUserKey, resynced.botUserId).then(() => undefined);
      void remembered
        .catch((error: unknown) => context.log.warn({ err: (error as Error).message }, "the bot's user id was not stored"))
        .finally(() => {
          reconcile = true;
          kick();
        });
    },
    /** Resolves once nothing waits to be followed (retries pending aside). */
    async idle(): Promise<void> {
      while (draining) await draining;
    },
    /** Stops following; the change being followed finishes first. */
    async stop(): Promise<void> {
      stopped = true;
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      await draining;
    },
  };
}

function first(set: Set<string>): string | undefined {
  const [value] = set;
  if (value !== undefined) set.delete(value);
  return value;
}
