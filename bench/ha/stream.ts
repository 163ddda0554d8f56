import type { Redis } from "ioredis";
import type { ProductKeys } from "@/lib/actions/keys";
import { sleep } from "../shared/kit";
import type { ActionTransport, HaActionKind, HaRecord } from "./actions";
import { longestRetryWaitMs, pairActionsPerSecond, probeRetryMs, soloStepMs } from "./config";

/**
 * The stream of team and profile actions the failover lands in. Pairs of a
 * manager and a player: the manager creates a team, then the player asks to
 * join, the manager approves, the player leaves, and again, with a profile
 * save (a new gamer tag each time) every fourth step. Free agents ("solos")
 * switch "looking for a team" on and off every few seconds: no Discord call,
 * and after a failure they try again within a second, so they show when
 * Redis answers again to the second. Every attempt goes to
 * the next app instance in turn (the bench is the load balancer).
 *
 * A client as a careful browser would be: after a 503 or 429 it waits what
 * Retry-After says (bounded) and tries again; after any answer but success
 * it first reads from Redis where things stand (an unsure attempt may have
 * gone through), so it never repeats a step that already happened.
 */

export type StreamUser = { userId: string; index: number };
export type StreamPair = { manager: StreamUser; player: StreamUser };

export type StreamOptions = {
  send: ActionTransport;
  instances: number;
  pairs: readonly StreamPair[];
  solos: readonly StreamUser[];
  /** Where the stream reads back what an unsure attempt left (the product's keys on the HA set). */
  redis: Redis;
  keys: ProductKeys;
  /** Makes team names and tags unique to the run. */
  runId: string;
  /** Checked between attempts: the stream ends once it says so. */
  stopped: () => boolean;
};

/** Letters no other letter (or pair) looks like, so tags made of them never clash as look-alikes. */
const distinctLetters = "ABCDEFGHJKPQSTUXYZ";

function lettersOf(value: number, count: number): string {
  let letters = "";
  for (let rest = value, digit = 0; digit < count; digit += 1, rest = Math.floor(rest / distinctLetters.length)) letters = (distinctLetters[rest % distinctLetters.length] ?? "A") + letters;
  return letters;
}

export function gamerTagOf(user: StreamUser, save: number): string {
  return `ha_u${user.index}_s${save}`;
}

function profileBody(user: StreamUser, gamerTag: string): Record<string, string> {
  return { gamerTag, platform: "pc", eaFcId: `eafc_u${user.index}`, country: "NG", position: "MID" };
}

/** Retry-After as milliseconds, bounded; a short pause when there is none. */
function retryWaitMs(retryAfter: string | null): number {
  const seconds = Number(retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1_000, longestRetryWaitMs) : 500;
}

/**
 * Reads Redis until it answers (it may be switching primaries), at most 30 s.
 * Should the connection have ended in the switch (ioredis' status "end",
 * after which it never reconnects by itself), it is connected again: the
 * stream must read the state, not its own client's trouble.
 */
async function readBack<T>(redis: Redis, read: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await read();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      if (redis.status === "end") redis.connect().catch(() => undefined);
      await sleep(250);
    }
  }
}

type PlayerPhase = "free" | "requested" | "member";

export async function runStream(options: StreamOptions): Promise<HaRecord[]> {
  const { send, redis, keys, stopped } = options;
  const records: HaRecord[] = [];
  let turn = 0;

  async function attempt(kind: HaActionKind, actor: StreamUser, body: Record<string, string | boolean>, about: Pick<HaRecord, "teamId" | "targetId" | "gamerTag" | "looking">): Promise<HaRecord> {
    const instance = turn++ % options.instances;
    const sentAt = Date.now();
    const answer = await send({ kind, instance, actorId: actor.userId, body });
    const record: HaRecord = { kind, instance, actorId: actor.userId, body, ...about, ...answer, sentAt, answeredAt: Date.now() };
    records.push(record);
    return record;
  }

  /** A profile save, tried again with the same form until it is answered (or the stream ends). */
  async function saveProfile(user: StreamUser, save: number): Promise<void> {
    const gamerTag = gamerTagOf(user, save);
    while (!stopped()) {
      const record = await attempt("profile", user, profileBody(user, gamerTag), { teamId: null, targetId: user.userId, gamerTag, looking: null });
      if (record.status === 200 || (typeof record.status === "number" && record.status < 429)) return;
      await sleep(retryWaitMs(record.retryAfter));
    }
  }

  const teamOf = async (userId: string) => readBack(redis, () => redis.hget(keys.userTeam, userId));

  async function phaseOf(player: StreamUser, teamId: string): Promise<PlayerPhase> {
    if ((await teamOf(player.userId)) === teamId) return "member";
    const requested = await readBack(redis, () => redis.zscore(keys.requests(teamId), player.userId));
    return requested === null ? "free" : "requested";
  }

  async function pairLoop(pair: StreamPair, pairIndex: number): Promise<void> {
    const { manager, player } = pair;
    const stepMs = (options.pairs.length / pairActionsPerSecond) * 1_000;
    await sleep((stepMs * pairIndex) / Math.max(1, options.pairs.length));
    let saves = 0;
    await saveProfile(manager, saves);
    await saveProfile(player, saves);
    let teamId: string | null = null;
    let phase: PlayerPhase = "free";
    let step = 0;
    while (!stopped()) {
      let record: HaRecord;
      if (teamId === null) {
        const tag = `H${lettersOf(pairIndex, 3)}`;
        record = await attempt("create", manager, { name: `Failover ${options.runId} ${tag}`, tag }, { teamId: null, targetId: null, gamerTag: null, looking: null });
        teamId = record.status === 200 ? record.answeredTeamId : await teamOf(manager.userId);
      } else if (step++ % 4 === 3) {
        saves += 1;
        await saveProfile(player, saves);
        await sleep(stepMs);
        continue;
      } else if (phase === "free") {
        record = await attempt("request", player, { teamId }, { teamId, targetId: player.userId, gamerTag: null, looking: null });
        if (record.status === 200) phase = "requested";
      } else if (phase === "requested") {
        record = await attempt("approve", manager, { teamId, userId: player.userId }, { teamId, targetId: player.userId, gamerTag: null, looking: null });
        if (record.status === 200) phase = "member";
      } else {
        record = await attempt("leave", player, { teamId, userId: player.userId }, { teamId, targetId: player.userId, gamerTag: null, looking: null });
        if (record.status === 200) phase = "free";
      }
      if (record.status !== 200 && teamId !== null) phase = await phaseOf(player, teamId);
      await sleep(record.status === 200 ? stepMs : retryWaitMs(record.retryAfter));
    }
  }

  async function soloLoop(solo: StreamUser, soloIndex: number): Promise<void> {
    await sleep((soloStepMs * soloIndex) / Math.max(1, options.solos.length));
    await saveProfile(solo, 0);
    let looking = false;
    while (!stopped()) {
      const record = await attempt("looking", solo, { looking: !looking }, { teamId: null, targetId: solo.userId, gamerTag: null, looking: !looking });
      if (record.status === 200) looking = !looking;
      else looking = (await readBack(redis, () => redis.hexists(keys.pool, solo.userId))) === 1;
      // Probes: they try again within a second of a 503 (rather than the 5 s the app suggests while Redis is away), to time the switch.
      await sleep(record.status === 200 ? soloStepMs : record.status === 429 ? retryWaitMs(record.retryAfter) : probeRetryMs);
    }
  }

  await Promise.all([...options.pairs.map(pairLoop), ...options.solos.map(soloLoop)]);
  return records;
}

/**
 * The settling pass: each user named by a journal still open saves a new
 * profile, which takes their lock and so settles (undoes or finishes)
 * whatever an interrupted action left on them, as the user's next click
 * would. Returns the attempts, to be judged with the stream's.
 */
export async function settleOpenJournals(options: Pick<StreamOptions, "send" | "instances" | "redis" | "keys"> & { users: readonly StreamUser[]; firstSave: number }): Promise<HaRecord[]> {
  const records: HaRecord[] = [];
  const byId = new Map(options.users.map((user) => [user.userId, user]));
  for (let round = 0; round < 3; round += 1) {
    const journals = await readBack(options.redis, () => options.redis.hvals(options.keys.journals));
    if (journals.length === 0) break;
    const named = new Set(journals.flatMap((raw) => [...raw.matchAll(/"user:(\d+)"/g)].map((match) => match[1] ?? "")));
    for (const userId of named) {
      const user = byId.get(userId);
      if (!user) continue;
      const gamerTag = gamerTagOf(user, options.firstSave + round);
      const sentAt = Date.now();
      const answer = await options.send({ kind: "profile", instance: round % options.instances, actorId: userId, body: profileBody(user, gamerTag) });
      records.push({ kind: "profile", instance: round % options.instances, actorId: userId, body: profileBody(user, gamerTag), teamId: null, targetId: userId, gamerTag, looking: null, ...answer, sentAt, answeredAt: Date.now() });
    }
  }
  return records;
}
