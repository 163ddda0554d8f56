import { describe, expect, it } from "vitest";
import { readProfileSaveResponse } from "@/components/dashboard/profile-client";

const now = Date.parse("2026-11-22T12:00:00.000Z");

function json(body: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

describe("readProfileSaveResponse", () => {
  it("treats any 2xx as saved", async () => {
    await expect(readProfileSaveResponse(json({ ok: true }, 200), now)).resolves.toEqual({ ok: true });
    await expect(readProfileSaveResponse(new Response(null, { status: 204 }), now)).resolves.toEqual({ ok: true });
  });

  it("passes the server's field errors for known fields only", async () => {
    const body = { error: "invalid_profile", message: "Check the highlighted fields.", fieldErrors: { gamerTag: "That gamer tag is taken.", isAdmin: "no" } };
    await expect(readProfileSaveResponse(json(body, 400), now)).resolves.toEqual({
      ok: false,
      fieldErrors: { gamerTag: "That gamer tag is taken." },
      message: "Check the highlighted fields.",
    });
  });

  it("shows the server's sentence when no field is named", async () => {
    await expect(readProfileSaveResponse(json({ error: "discord_busy", message: "Discord is busy. Try again in a minute." }, 503), now)).resolves.toEqual({
      ok: false,
      message: "Discord is busy. Try again in a minute.",
    });
  });

  it("has its own words for a body it cannot read", async () => {
    const result = await readProfileSaveResponse(new Response("<html>502</html>", { status: 502 }), now);
    expect(result).toEqual({ ok: false, message: "We couldn't save your profile. Please try again in a moment." });
  });

  it("ignores malformed parts instead of failing", async () => {
    const result = await readProfileSaveResponse(json({ message: 42, fieldErrors: ["gamerTag"] }, 400), now);
    expect(result).toEqual({ ok: false, message: "We couldn't save your profile. Please try again in a moment." });
  });

  it("says when to try again after a 429", async () => {
    const result = await readProfileSaveResponse(json({ error: "rate_limited", message: "Slow down." }, 429, { "Retry-After": "20" }), now);
    expect(result).toEqual({ ok: false, message: "Too many attempts. Please try again in 20 s." });
  });

  it("asks to log in again after a 401", async () => {
    const result = await readProfileSaveResponse(json({ error: "session_expired", message: "x" }, 401), now);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/log in again/);
  });
});
