import type { Redis } from "ioredis";
import { z } from "zod";
import { productKeyspace } from "@/lib/actions/keys";
import { announcementOf } from "@/lib/transactions/announcement";
import { controlCall } from "../shared/http";
import { sleep } from "../shared/kit";

/**
 * The transactions channel after the run: every applied change the audit
 * log holds that the channel announces is posted there exactly once (none
 * lost, none doubled by a retried post), in the order of the changes, and
 * the outbox is empty. The channel posts about one message a second
 * (Discord's per-channel limit), so it lags behind a burst of changes; the
 * bench waits for it, within a bound, before judging.
 */

export type Check = { name: string; ok: boolean; detail: string };

const channelMessages = z.object({ messages: z.array(z.object({ content: z.string(), nonce: z.union([z.string(), z.number()]).nullish() })) });

/** What the outbox still holds: entries not yet deleted, and of them those read but not yet settled. */
async function outboxBacklog(redis: Redis): Promise<{ entries: number; pending: number }> {
  const key = productKeyspace().outbox;
  const entries = await redis.xlen(key);
  const groups = z.array(z.array(z.unknown())).safeParse(entries === 0 && (await redis.exists(key)) === 0 ? [] : await redis.xinfo("GROUPS", key));
  let pending = 0;
  for (const group of groups.data ?? []) {
    const index = group.indexOf("pending");
    pending += Number(group[index + 1] ?? 0);
  }
  return { entries, pending };
}

/** Waits until the outbox is empty, at most `timeoutMs`, telling how far it is every 10 s. */
export async function waitForOutbox(redis: Redis, timeoutMs: number, progress: (message: string) => void): Promise<{ waitedMs: number; left: number }> {
  const started = Date.now();
  let toldAt = started;
  for (;;) {
    const { entries } = await outboxBacklog(redis);
    if (entries === 0 || Date.now() - started >= timeoutMs) return { waitedMs: Date.now() - started, left: entries };
    if (Date.now() - toldAt >= 10_000) {
      toldAt = Date.now();
      progress(`the transactions channel is catching up: ${entries} announcements left in the outbox`);
    }
    await sleep(250);
  }
}

function tally(values: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function sample(items: readonly string[]): string {
  return `${items.slice(0, 3).join("; ")}${items.length > 3 ? ` and ${items.length - 3} more` : ""}`;
}

/**
 * `auditEntries`: the JSON of every audit entry of the run, in the order
 * written. The messages are matched by content (an announcement is the
 * audit entry's text) and order; a nonce seen on two messages means a
 * retried post was shown twice.
 */
export async function announcementChecks(options: { redis: Redis; emulatorUrl: string; channelId: string; auditEntries: readonly string[]; waitedMs: number }): Promise<Check[]> {
  const expected = options.auditEntries.flatMap((json) => announcementOf(json) ?? []);
  const { messages } = channelMessages.parse(await controlCall(`${options.emulatorUrl}/__emulator/channels/${options.channelId}/messages`));
  const posted = messages.map((message) => message.content);

  const wanted = tally(expected);
  const shown = tally(posted);
  const missing: string[] = [];
  const doubled: string[] = [];
  for (const text of new Set([...wanted.keys(), ...shown.keys()])) {
    const want = wanted.get(text) ?? 0;
    const got = shown.get(text) ?? 0;
    if (got < want) missing.push(`"${text}" (${want} changes, ${got} messages)`);
    if (got > want) doubled.push(`"${text}" (${want} changes, ${got} messages)`);
  }
  const nonces = tally(messages.map((message) => String(message.nonce ?? "")));
  const sharedNonces = [...nonces].filter(([nonce, count]) => nonce === "" || count > 1).map(([nonce, count]) => `${nonce === "" ? "no nonce" : nonce} x${count}`);
  const firstOutOfOrder = posted.findIndex((text, index) => text !== expected[index]);
  const inOrder = posted.length === expected.length && firstOutOfOrder === -1;
  const divergeAt = firstOutOfOrder === -1 ? Math.min(posted.length, expected.length) : firstOutOfOrder;
  const backlog = await outboxBacklog(options.redis);
  const seconds = (options.waitedMs / 1_000).toFixed(1);

  return [
    {
      name: "every applied change the channel announces is in the transactions channel exactly once",
      ok: missing.length === 0 && doubled.length === 0 && sharedNonces.length === 0,
      detail:
        missing.length + doubled.length + sharedNonces.length === 0
          ? `${expected.length} announceable audit entries, ${posted.length} messages, each once, each with its own nonce`
          : sample([...missing.map((text) => `missing ${text}`), ...doubled.map((text) => `doubled ${text}`), ...sharedNonces.map((text) => `nonce ${text}`)]),
    },
    {
      name: "the channel shows them in the order of the changes",
      ok: inOrder,
      detail: inOrder ? `${posted.length} messages in audit order` : `message ${divergeAt + 1}: "${posted[divergeAt] ?? "none"}", the log says "${expected[divergeAt] ?? "none"}"`,
    },
    {
      name: "the outbox is empty (nothing left to post)",
      ok: backlog.entries === 0 && backlog.pending === 0,
      detail: `${backlog.entries} entries, ${backlog.pending} read but unsettled; waited ${seconds} s after the run for the channel to catch up`,
    },
  ];
}
