import { describe, expect, it } from "vitest";
import { viewChangeAnnouncement } from "@/components/dashboard/view-announcement";
import { dashboardViews } from "@/lib/roles/answer";

describe("the announcement of a view switched by new roles", () => {
  it("says the new page in words, one sentence per view", () => {
    expect(viewChangeAnnouncement("team-manager")).toBe("Your dashboard changed: you manage your team.");
    expect(viewChangeAnnouncement("player")).toBe("Your dashboard changed: you play for your team.");
    const sentences = dashboardViews.map(viewChangeAnnouncement);
    expect(new Set(sentences).size).toBe(dashboardViews.length);
    for (const sentence of sentences) expect(sentence).toMatch(/^Your dashboard changed: [a-z].+\.$/);
  });
});
