import { sleep } from "../shared/kit";
import { sourceOf, toggleRole, type RoleChange } from "./changes";

export type ChangeStream = {
  /** Every change the emulator confirmed, in the order the answers came. */
  changes: RoleChange[];
  /** Changes whose call failed (counted, not retried: the emulator's state at the end is the reference). */
  failures: number;
  /** Slots left unused because every member had a change in flight. */
  skipped: number;
};

/**
 * Role changes at a steady rate: change `i` starts at `i / perSecond` s,
 * on a member with no change of its own in flight, toggling the role it
 * holds or lacks (`holds` is kept up to date). `onChange` sees each answer.
 */
export async function streamChanges(options: {
  emulatorUrl: string;
  userIds: readonly string[];
  holds: Map<string, boolean>;
  count: number;
  perSecond: number;
  botEvery: number;
  /** Members whose previous change is still awaited elsewhere (e.g. its event at a tab) are skipped too. */
  busy?: (userId: string) => boolean;
  onChange?: (change: RoleChange) => void;
}): Promise<ChangeStream> {
  const result: ChangeStream = { changes: [], failures: 0, skipped: 0 };
  const inFlight = new Set<string>();
  const startedAt = Date.now();
  const pending: Promise<void>[] = [];
  let cursor = 0;
  function nextFree(): string | undefined {
    for (let tried = 0; tried < options.userIds.length; tried += 1) {
      const userId = options.userIds[(cursor + tried) % options.userIds.length];
      if (userId !== undefined && !inFlight.has(userId) && !options.busy?.(userId)) {
        cursor = (cursor + tried + 1) % options.userIds.length;
        return userId;
      }
    }
    return undefined;
  }
  for (let index = 0; index < options.count; index += 1) {
    await sleep(startedAt + (index * 1_000) / options.perSecond - Date.now());
    const userId = nextFree();
    if (userId === undefined) {
      result.skipped += 1;
      continue;
    }
    inFlight.add(userId);
    pending.push(
      toggleRole(options.emulatorUrl, userId, options.holds.get(userId) ?? false, sourceOf(index, options.botEvery))
        .then((change) => {
          options.holds.set(userId, change.hasRole);
          result.changes.push(change);
          options.onChange?.(change);
        })
        .catch(() => {
          result.failures += 1;
        })
        .finally(() => inFlight.delete(userId)),
    );
  }
  await Promise.all(pending);
  return result;
}
