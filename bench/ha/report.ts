import { isSuccess, type HaRecord } from "./actions";
import type { Check } from "./verify";

/** What the stream's answers say about the switch, measured from the moment the primary was killed. */
export type SwitchFigures = {
  /** Kill to the first success of an attempt sent after the kill; null if none came. */
  recoveryMs: number | null;
  /** The same for an action that calls Discord (anything but the pool switch). */
  discordRecoveryMs: number | null;
  /**
   * Kill to the moment the last user turned away by the switch (an attempt
   * answered at or after the kill with a 5xx but Discord's admission, a 409
   * "busy" or nothing) had a success again; null if one never did. An action
   * in flight at the kill cannot release its locks, which then live out
   * their lease, so this can be longer than the switch itself.
   */
  lastTurnedAwayMs: number | null;
  /** Kill to the last answer that was not a success nor a plain refusal (503 of Redis, no answer, 500). */
  lastTroubleMs: number | null;
  /** Answers to attempts sent from the kill on, by status and code. */
  afterKill: Map<string, number>;
  served500: number;
  unanswered: number;
  without503RetryAfter: number;
  /** App instances that answered a success to an attempt sent after the recovery. */
  servingAfter: Set<number>;
};

/** Trouble a user would see in the switch: a 5xx other than Discord's admission, or no answer at all. */
const isTrouble = (record: HaRecord) => record.status === "no answer" || (record.status >= 500 && record.code !== "discord_busy");

export function switchFigures(records: readonly HaRecord[], killAt: number): SwitchFigures {
  const after = records.filter((record) => record.sentAt >= killAt).sort((a, b) => a.answeredAt - b.answeredAt);
  const firstSuccess = after.find(isSuccess);
  const firstDiscordSuccess = after.find((record) => isSuccess(record) && record.kind !== "looking");
  const lastTrouble = records.filter((record) => isTrouble(record) && record.answeredAt >= killAt).at(-1);
  const afterKill = new Map<string, number>();
  for (const record of after) {
    const label = record.status === "no answer" ? "no answer" : `${record.status}${record.code ? ` ${record.code}` : ""}`;
    afterKill.set(label, (afterKill.get(label) ?? 0) + 1);
  }
  const recoveredAt = firstSuccess?.answeredAt ?? Number.POSITIVE_INFINITY;
  let lastTurnedAwayAt: number | null = killAt;
  const turnedAway = (record: HaRecord) => record.answeredAt >= killAt && (isTrouble(record) || record.code === "busy");
  for (const actorId of new Set(records.filter(turnedAway).map((record) => record.actorId))) {
    const mine = records.filter((record) => record.actorId === actorId).sort((a, b) => a.answeredAt - b.answeredAt);
    const lastRefusal = mine.filter(turnedAway).at(-1);
    const next = mine.find((record) => isSuccess(record) && record.answeredAt > (lastRefusal?.answeredAt ?? killAt));
    lastTurnedAwayAt = next === undefined || lastTurnedAwayAt === null ? null : Math.max(lastTurnedAwayAt, next.answeredAt);
  }
  return {
    recoveryMs: firstSuccess ? firstSuccess.answeredAt - killAt : null,
    discordRecoveryMs: firstDiscordSuccess ? firstDiscordSuccess.answeredAt - killAt : null,
    lastTurnedAwayMs: lastTurnedAwayAt === null ? null : lastTurnedAwayAt - killAt,
    lastTroubleMs: lastTrouble ? lastTrouble.answeredAt - killAt : null,
    afterKill,
    served500: records.filter((record) => typeof record.status === "number" && record.status >= 500 && record.status !== 503).length,
    unanswered: records.filter((record) => record.status === "no answer").length,
    without503RetryAfter: records.filter((record) => record.status === 503 && !record.retryAfter).length,
    servingAfter: new Set(records.filter((record) => isSuccess(record) && record.sentAt > recoveredAt).map((record) => record.instance)),
  };
}

/** What the answers themselves must show: clear 503s with Retry-After during the switch, never a 500, and every instance serving again. */
export function answerChecks(figures: SwitchFigures, instances: number): Check[] {
  return [
    { name: "never a 500 (nor another 5xx but 503)", ok: figures.served500 === 0, detail: `${figures.served500} answers` },
    { name: "every request answered (no hang, no dropped connection)", ok: figures.unanswered === 0, detail: `${figures.unanswered} unanswered` },
    { name: "every 503 carries Retry-After", ok: figures.without503RetryAfter === 0, detail: `${figures.without503RetryAfter} without` },
    {
      name: "actions succeed again after the switch, on every instance, without a restart",
      ok: figures.recoveryMs !== null && figures.servingAfter.size === instances,
      detail: `${figures.servingAfter.size} of ${instances} instances answered successes after the recovery`,
    },
  ];
}

export function seconds(ms: number | null): string {
  return ms === null ? "never" : `${(ms / 1_000).toFixed(1)} s`;
}

export function checkLines(checks: readonly Check[]): string[] {
  const failed = checks.filter((check) => !check.ok);
  return [
    "| check | result | detail |",
    "| --- | --- | --- |",
    ...checks.map((check) => `| ${check.name} | ${check.ok ? "pass" : "FAIL"} | ${check.detail.replaceAll("|", "/")} |`),
    "",
    failed.length === 0 ? `Checks: passed (${checks.length})` : `Checks: FAILED ${failed.length} of ${checks.length}: ${failed.map((check) => check.name).join("; ")}`,
  ];
}

export function answersTable(figures: SwitchFigures): string[] {
  const rows = [...figures.afterKill].sort((a, b) => b[1] - a[1]);
  return ["| answers to attempts sent from the kill on | count |", "| --- | --- |", ...rows.map(([label, count]) => `| ${label} | ${count} |`)];
}
