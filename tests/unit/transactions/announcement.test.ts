import { describe, expect, it } from "vitest";
import { auditJson, type AuditInput } from "@/lib/audit/log";
import { announcedActions, announcementOf, MAX_MESSAGE_LENGTH, nonceOf } from "@/lib/transactions";

const manager = "1200000000000000004";
const player = "1200000000000000005";

function entry(overrides: Partial<AuditInput>): string {
  const base: AuditInput = { actorId: manager, actorName: "Manager", action: "team.approve", teamId: "1100000000000000201", teamName: "Lagos Lions", targetId: player, detail: null };
  return auditJson({ ...base, ...overrides }, 1_800_000_000_000);
}

describe("announcementOf", () => {
  it("writes one short line per applied roster change, mentioning players by id", () => {
    expect(announcementOf(entry({ action: "team.create", targetId: null, detail: "tag LAG" }))).toBe(`**Lagos Lions** founded, managed by <@${manager}> (tag LAG)`);
    expect(announcementOf(entry({ action: "team.approve", detail: "roster 5/10" }))).toBe(`**Lagos Lions** signed <@${player}> (roster 5/10)`);
    expect(announcementOf(entry({ action: "team.offer-accept" }))).toBe(`**Lagos Lions** signed <@${player}>, who accepted the team's offer`);
    expect(announcementOf(entry({ action: "team.leave", actorId: player }))).toBe(`<@${player}> left **Lagos Lions**`);
    expect(announcementOf(entry({ action: "team.remove" }))).toBe(`**Lagos Lions** released <@${player}>`);
    expect(announcementOf(entry({ action: "team.transfer", detail: `from ${manager}` }))).toBe(`<@${player}> is the new manager of **Lagos Lions**`);
    expect(announcementOf(entry({ action: "team.disband", targetId: null, detail: "3 members back to free agent" }))).toBe("**Lagos Lions** disbanded (3 members back to free agent)");
    expect(announcementOf(entry({ action: "team.transfer", targetId: null }))).toBe("**Lagos Lions** has no manager now");
    expect(announcementOf(entry({ action: "team.remove", actorId: "discord", detail: "team role taken on Discord" }))).toBe(`**Lagos Lions** released <@${player}> (team role taken on Discord)`);
    expect(announcementOf(entry({ action: "team.adopt", actorId: "discord", detail: "team role given on Discord" }))).toBe(`**Lagos Lions** signed <@${player}> (team role given on Discord)`);
    expect(announcementOf(entry({ action: "team.adopt", actorId: "discord", targetId: null }))).toBe("**Lagos Lions** is now a team, from its role on Discord");
    expect(announcementOf(entry({ action: "window.open", teamId: null, teamName: null, targetId: null, detail: null }))).toBe("The transfer window is open");
    expect(announcementOf(entry({ action: "window.close", teamId: null, teamName: null, targetId: null }))).toBe("The transfer window is closed");
    // As a Lua script writes it, with nil fields left out.
    expect(announcementOf(JSON.stringify({ at: 1, actorId: manager, actorName: "Admin", action: "window.open", detail: "opened as scheduled" }))).toBe("The transfer window is open (opened as scheduled)");
  });

  it("announces nothing for what is not a roster change, nor for an entry it cannot read", () => {
    for (const action of ["profile.save", "team.request", "team.withdraw", "team.decline", "team.mark"] as const) {
      expect(announcementOf(entry({ action })), action).toBeNull();
    }
    expect(announcementOf(JSON.stringify({ action: "toString", actorId: manager, teamName: null, targetId: null, detail: null }))).toBeNull();
    expect(announcementOf("{not json")).toBeNull();
    expect(announcementOf(JSON.stringify({ action: "team.approve" }))).toBeNull();
    expect(announcedActions).toContain("team.approve");
    expect(announcedActions).not.toContain("profile.save");
  });

  it("keeps a team's name from turning into markdown or a mention, and stays within Discord's 2,000 characters", () => {
    const text = announcementOf(entry({ teamName: "**Bold** _x_ @everyone <@&1>", detail: "x".repeat(3_000) })) ?? "";
    expect(text.startsWith("**\\*\\*Bold\\*\\* \\_x\\_ \\@everyone \\<\\@&1\\>** signed")).toBe(true);
    expect(text).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(announcementOf(entry({ targetId: "not-an-id" }))).toBe("**Lagos Lions** signed someone");
  });
});

describe("nonceOf", () => {
  it("is at most 25 characters, the same for one entry, and differs between entries and between outboxes", () => {
    const nonce = nonceOf("safa:outbox", "1800000000000-0");
    expect(nonce.length).toBeLessThanOrEqual(25);
    expect(nonceOf("safa:outbox", "1800000000000-0")).toBe(nonce);
    expect(nonceOf("safa:outbox", "1800000000000-1")).not.toBe(nonce);
    expect(nonceOf("other:outbox", "1800000000000-0")).not.toBe(nonce);
  });
});
