import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HealthPanel } from "@/components/admin/health-panel";
import type { AdminHealth } from "@/lib/admin/answer";
import { describeMirror } from "@/lib/admin/describe-mirror";
import { describeOutbox } from "@/lib/admin/describe-outbox";
import { describeReplication, parseReplicationInfo } from "@/lib/admin/describe-replication";

const now = 1_800_000_000_000;

function health(replicationInfo: string, outboxOldestAgeMs: number | null): AdminHealth {
  return {
    redis: { reachable: true, latencyMs: 1 },
    replication: describeReplication(
      parseReplicationInfo(replicationInfo),
      { sentinel: { masterName: "safa", sentinels: ["10.0.0.21:26379", "10.0.0.22:26379"] }, wait: { replicas: 1, timeoutMs: 500 }, primaryChanges: 1, lastPrimaryChangeAt: now - 42_000 },
      now,
    ),
    outbox: describeOutbox(
      {
        backlog: outboxOldestAgeMs === null ? 0 : 2,
        oldestId: outboxOldestAgeMs === null ? null : `${now - outboxOldestAgeMs}-0`,
        drainerId: null,
        counts: { posted: 7, failed: { refused: 1, rate_limited: 2, server_error: 3, no_answer: 0 } },
      },
      { enabled: true, nowMs: now, behindAfterMs: 180_000 },
    ),
    discord: { known: false, reason: "not asked" },
    roleCache: { fresh: 0, cached: 0, stale: 0, collapsed: 0, miss: 0, hitRatePercent: null },
    openJournals: 0,
    mirror: describeMirror(null, now),
    guildRoles: { known: false },
  };
}

/** The text of one `data-testid` entry, tags dropped. */
function entry(html: string, testId: string): string {
  const marker = `data-testid="${testId}">`;
  const start = html.indexOf(marker);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start + marker.length, html.indexOf("</div>", start)).replace(/<[^>]+>/g, "").replace(/&quot;/g, '"');
}

describe("the health panel's replication and outbox entries", () => {
  it("say why actions are refused and that the transactions channel is behind", () => {
    const html = renderToStaticMarkup(createElement(HealthPanel, { health: health("role:master\nconnected_slaves:0\n", 300_000) }));
    expect(entry(html, "redis-replication")).toContain("Primary · 0 replicas connected · actions wait for 1 (up to 500 ms)");
    expect(entry(html, "redis-replication")).toContain("Actions are refused until a replica is back: each change must reach 1 replica within 500 ms (REDIS_WAIT_REPLICAS=1), and 0 are connected.");
    expect(entry(html, "outbox")).toContain("2 changes wait to be posted, the oldest for 5 min");
    expect(entry(html, "outbox")).toContain("The transactions channel is behind");
    expect(html).toContain("Sentinel, master <code");
    expect(html).toContain("10.0.0.21:26379, 10.0.0.22:26379");
    expect(html).toContain("1, the last 42 s ago");
    expect(html).toContain("7 · refused 1 (dropped), rate-limited 2, Discord errors 3, no answer 0 (retried)");
  });

  it("list the replicas and say nothing more while all is well", () => {
    const html = renderToStaticMarkup(createElement(HealthPanel, { health: health("role:master\nslave0:ip=10.0.0.22,port=6379,state=online,offset=9,lag=0\n", null) }));
    expect(entry(html, "redis-replication")).toBe("Redis replicationPrimary · 1 replica connected · actions wait for 1 (up to 500 ms)");
    expect(html).toContain("10.0.0.22:6379</code>: online, last confirmed 0 s ago");
    expect(entry(html, "outbox")).toBe("Transactions channelUp to date: nothing waits to be posted");
  });
});
