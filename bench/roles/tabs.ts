import { z } from "zod";
import type { HttpClient } from "../shared/http";
import { sleep } from "../shared/kit";
import { uniformMs } from "../shared/stats";
import type { SignedInUser } from "../shared/users";
import type { FocusProfile } from "./config";

const rolesAnswer = z.object({ roles: z.array(z.string()), fetchedAt: z.iso.datetime(), stale: z.boolean() });

export type TabSamples = {
  /** Round trip of every refetch that got an answer, milliseconds. */
  latenciesMs: number[];
  /** now - fetchedAt of every answer that served roles, milliseconds. */
  agesMs: number[];
  answers: number;
  /** Answers without roles (503, 5xx, no answer), by status ("no-answer" when none came in time). */
  failures: Record<string, number>;
};

/** A tab of one device: the device's session, pinned to one instance. */
type Tab = { device: SignedInUser; instanceUrl: string };

/**
 * Browser tabs refocusing at random: each waits uniform(min, max), refetches
 * /api/roles on the instance it is pinned to, records what came back, and
 * stops starting refetches when the storm's time is up.
 */
export async function runTabs(client: HttpClient, devices: readonly SignedInUser[], instanceUrls: readonly string[], storm: FocusProfile["storm"]): Promise<TabSamples> {
  const samples: TabSamples = { latenciesMs: [], agesMs: [], answers: 0, failures: {} };
  const tabs: Tab[] = devices.flatMap((device) =>
    Array.from({ length: storm.tabsPerUser }, () => ({ device, instanceUrl: instanceUrls[Math.floor(Math.random() * instanceUrls.length)] ?? "" })),
  );
  const endsAt = Date.now() + storm.durationMs;

  function fail(reason: string): void {
    samples.failures[reason] = (samples.failures[reason] ?? 0) + 1;
  }

  async function refetch(tab: Tab): Promise<void> {
    const query = new URLSearchParams({ user: tab.device.userId, session: tab.device.sessionId });
    try {
      const answer = await client.get(`${tab.instanceUrl}/api/roles?${query}`, { timeoutMs: storm.requestTimeoutMs });
      const receivedAt = Date.now();
      samples.answers += 1;
      samples.latenciesMs.push(answer.elapsedMs);
      if (answer.status !== 200) return fail(String(answer.status));
      const parsed = rolesAnswer.safeParse(JSON.parse(answer.body));
      if (!parsed.success) return fail("malformed");
      samples.agesMs.push(Math.max(0, receivedAt - Date.parse(parsed.data.fetchedAt)));
    } catch {
      fail("no-answer");
    }
  }

  async function tabLoop(tab: Tab): Promise<void> {
    for (;;) {
      const waitMs = uniformMs(storm.refetchMinMs, storm.refetchMaxMs);
      if (Date.now() + waitMs >= endsAt) return;
      await sleep(waitMs);
      await refetch(tab);
    }
  }

  await Promise.all(tabs.map(tabLoop));
  return samples;
}
