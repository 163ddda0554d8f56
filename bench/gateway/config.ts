/**
 * The live-mirror benches' numbers, in one place. `full` is what the README
 * reports; `quick` only proves a bench runs end to end (the test suite uses it).
 */
type ProfileName = "full" | "quick";

export const syncProfiles: Record<ProfileName, { name: ProfileName; members: number; liveTimeoutMs: number }> = {
  full: { name: "full", members: 10_000, liveTimeoutMs: 60_000 },
  quick: { name: "quick", members: 1_000, liveTimeoutMs: 30_000 },
};

export const syncTargets = { liveWithinMs: 10_000, memoryBytesMax: 30 * 1_048_576 } as const;

export type FailoverProfile = {
  name: ProfileName;
  /** Members whose roles the stream of changes toggles. */
  members: number;
  changesPerSecond: number;
  durationMs: number;
  /** When the leader is killed, from the start of the stream. */
  killAtMs: number;
  /** One change in this many is made by the bot through REST (its bucket is 10 per 10 s), the rest by a moderator. */
  botEvery: number;
  /** How long the mirror is given after the last change to match the emulator. */
  settleMs: number;
};

export const failoverProfiles: Record<ProfileName, FailoverProfile> = {
  full: { name: "full", members: 200, changesPerSecond: 20, durationMs: 20_000, killAtMs: 10_000, botEvery: 25, settleMs: 15_000 },
  quick: { name: "quick", members: 50, changesPerSecond: 20, durationMs: 8_000, killAtMs: 3_000, botEvery: 25, settleMs: 15_000 },
};

export const failoverTargets = { recoveryWithinMs: 5_000, lostChanges: 0 } as const;

export type PropagationProfile = {
  name: ProfileName;
  users: number;
  instances: number;
  changes: number;
  changesPerSecond: number;
  botEvery: number;
  /** A change whose event has not reached its tab by then counts as lost. */
  giveUpMs: number;
};

export const propagationProfiles: Record<ProfileName, PropagationProfile> = {
  full: { name: "full", users: 200, instances: 2, changes: 500, changesPerSecond: 10, botEvery: 12, giveUpMs: 10_000 },
  quick: { name: "quick", users: 10, instances: 2, changes: 20, changesPerSecond: 5, botEvery: 12, giveUpMs: 10_000 },
};

export const propagationTargets = { p99Ms: 1_000 } as const;

export type StreamsMemoryProfile = {
  name: ProfileName;
  users: number;
  streams: number;
  /** Streams open at once while the 1,000 are opened and closed. */
  concurrency: number;
  /** How long each stream stays open (it gets its `ready` first). */
  holdMs: number;
  /** Idle time after the last close before the "after" reading. */
  settleMs: number;
  /** Rounds of `streams`, a reading after each: a leak grows again every round. */
  rounds: number;
};

export const streamsMemoryProfiles: Record<ProfileName, StreamsMemoryProfile> = {
  full: { name: "full", users: 200, streams: 1_000, concurrency: 100, holdMs: 1_000, settleMs: 5_000, rounds: 3 },
  quick: { name: "quick", users: 10, streams: 40, concurrency: 10, holdMs: 200, settleMs: 1_000, rounds: 2 },
};

/** "Back to its level before": heap after within this of before, after a full GC on both sides. */
export const streamsMemoryTargets = { heapGrowthBytesMax: 2 * 1_048_576 } as const;

/** Discord calls at rest: the focus storm's own profiles (bench/roles/config.ts), plus these. */
export const rolesLiveTargets = { memberLookups: 0, behindMsMax: 1_000, changesPerSecond: 2 } as const;
