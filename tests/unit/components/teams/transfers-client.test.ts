import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchTransferStatus, runTransferAdmin } from "@/components/teams/transfers-client";
import { runTeamAction } from "@/components/teams/teams-client";
import { windowSentence } from "@/components/teams/transfer-window";

type Sent = { url: string; method: string; body: unknown };

function serve(status: number, answer: unknown): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    sent.push({ url, method: init.method ?? "GET", body: typeof init.body === "string" ? JSON.parse(init.body) : undefined });
    return new Response(JSON.stringify(answer), { status, headers: { "content-type": "application/json" } });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const applied = { ok: true, applied: true, teamId: null, message: "The transfer window is closed." };

describe("the transfers client", () => {
  it("sends each admin change to its route and method", async () => {
    const sent = serve(200, applied);
    await runTransferAdmin({ kind: "window", change: "close" });
    await runTransferAdmin({ kind: "window", change: "open", at: 1_800_000_000_000 });
    await runTransferAdmin({ kind: "cancel-window", change: "open" });
    await runTransferAdmin({ kind: "lock", until: null, reason: "match day" });
    await runTransferAdmin({ kind: "unlock", teamId: "1300000000000000001" });
    await runTransferAdmin({ kind: "season", startsAt: 1_800_000_000_000, changeLimit: 5 });
    expect(sent).toEqual([
      { url: "/api/admin/transfer-window", method: "POST", body: { change: "close" } },
      { url: "/api/admin/transfer-window", method: "POST", body: { change: "open", at: 1_800_000_000_000 } },
      { url: "/api/admin/transfer-window", method: "DELETE", body: { change: "open" } },
      { url: "/api/admin/roster-locks", method: "POST", body: { until: null, reason: "match day" } },
      { url: "/api/admin/roster-locks", method: "DELETE", body: { teamId: "1300000000000000001" } },
      { url: "/api/admin/season", method: "PUT", body: { startsAt: 1_800_000_000_000, changeLimit: 5 } },
    ]);
  });

  it("carries the server's sentence and field errors on a refusal, and refuses an answer of the wrong shape", async () => {
    serve(400, { error: "invalid_input", message: "This time has passed: pick one in the future.", field: "at", fieldErrors: { at: "This time has passed: pick one in the future." } });
    await expect(runTransferAdmin({ kind: "window", change: "open", at: 1 })).rejects.toMatchObject({ message: "This time has passed: pick one in the future.", status: 400, fieldErrors: { at: expect.any(String) } });
    serve(200, { window: "open" });
    await expect(fetchTransferStatus()).rejects.toMatchObject({ message: expect.stringMatching(/does not understand/) });
  });

  it("sends an admin's override with an approval or a removal, and nothing when there is none", async () => {
    const sent = serve(200, applied);
    await runTeamAction({ kind: "approve", teamId: "1300000000000000001", userId: "1200000000000000007", override: { reason: "injury replacement" } });
    await runTeamAction({ kind: "remove", teamId: "1300000000000000001", userId: "1200000000000000007" });
    expect(sent.map((call) => call.body)).toEqual([
      { teamId: "1300000000000000001", userId: "1200000000000000007", override: { reason: "injury replacement" } },
      { teamId: "1300000000000000001", userId: "1200000000000000007" },
    ]);
  });

  it("tells the window's state and until when", () => {
    expect(windowSentence({ open: true, since: null, opensAt: null, closesAt: null })).toBe("The transfer window is open.");
    expect(windowSentence({ open: false, since: 1, opensAt: Date.UTC(2026, 10, 28, 18, 0), closesAt: null })).toBe("The transfer window is closed until 28 Nov 2026, 18:00 UTC.");
    expect(windowSentence({ open: false, since: 1, opensAt: null, closesAt: null })).toBe("The transfer window is closed until a tournament admin opens it.");
  });
});
