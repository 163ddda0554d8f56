import { describe, expect, it } from "vitest";
import { describeMirrorStatus, type MirrorStatus } from "@/lib/gateway/status";
import { metrics } from "@/lib/metrics";

const now = Date.now();
const liveStatus: MirrorStatus = describeMirrorStatus(
  { leaderId: "gw-a", heartbeatAt: String(now - 250), resync: "done", resyncDoneAt: String(now - 60_000), resyncCount: "4", lastEventAt: String(now - 2_000), lastEventSeq: "9", membersMirrored: "12" },
  now,
);

async function mirrorSamples(): Promise<Map<string, string>> {
  const samples = new Map<string, string>();
  for (const line of (await metrics.registry.metrics()).split("\n")) {
    const [name, value] = line.split(" ");
    if (name?.startsWith("safa_gateway_mirror_") && value !== undefined) samples.set(name, value);
  }
  return samples;
}

describe("the mirror gauges", () => {
  it("report not live and unknown numbers in a process that never set a source", async () => {
    const samples = await mirrorSamples();
    expect(samples.get("safa_gateway_mirror_live")).toBe("0");
    expect(samples.get("safa_gateway_mirror_members")).toMatch(/^nan$/i);
  });

  it("share one read of the status per scrape", async () => {
    let reads = 0;
    metrics.readMirrorStatusFrom(async () => {
      reads += 1;
      return liveStatus;
    });
    const samples = await mirrorSamples();
    expect(reads).toBe(1);
    expect(samples.get("safa_gateway_mirror_live")).toBe("1");
    expect(samples.get("safa_gateway_mirror_members")).toBe("12");
    expect(samples.get("safa_gateway_mirror_resyncs_total")).toBe("4");
    expect(Number(samples.get("safa_gateway_mirror_lag_seconds"))).toBeCloseTo(0.25, 2);
    await mirrorSamples();
    expect(reads).toBe(2);
  });

  it("fail open to not live when the status cannot be read, keeping the resync count rather than dropping it to 0", async () => {
    metrics.readMirrorStatusFrom(async () => liveStatus);
    await mirrorSamples();
    metrics.readMirrorStatusFrom(() => Promise.reject(new Error("Redis is away")));
    const samples = await mirrorSamples();
    expect(samples.get("safa_gateway_mirror_live")).toBe("0");
    expect(samples.get("safa_gateway_mirror_lag_seconds")).toMatch(/^nan$/i);
    expect(samples.get("safa_gateway_mirror_members")).toMatch(/^nan$/i);
    expect(samples.get("safa_gateway_mirror_resyncs_total")).toBe("4");
  });
});
