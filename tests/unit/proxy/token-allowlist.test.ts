import { describe, expect, it } from "vitest";
import { createTokenAllowlist } from "@/lib/discord/proxy/token-allowlist";

describe("createTokenAllowlist", () => {
  const allow = createTokenAllowlist(["bot-one", "bot-two"], false);

  it("forwards only the configured bot tokens", () => {
    expect(allow("Bot bot-one")).toEqual({ ok: true, auth: { kind: "bot", token: "bot-one" } });
    expect(allow("bot bot-two")).toEqual({ ok: true, auth: { kind: "bot", token: "bot-two" } });
    expect(allow("Bot bot-three")).toEqual({ ok: false, reason: "unknown-token" });
    expect(allow("Bot bot-one-and-more")).toEqual({ ok: false, reason: "unknown-token" });
    expect(allow("bot-one")).toEqual({ ok: false, reason: "unknown-token" });
    expect(allow("Basic Ym90LW9uZQ==")).toEqual({ ok: false, reason: "unknown-token" });
  });

  it("tells a missing Authorization apart", () => {
    expect(allow(undefined)).toEqual({ ok: false, reason: "missing-authorization" });
    expect(allow("  ")).toEqual({ ok: false, reason: "missing-authorization" });
  });

  it("forwards bearer tokens only when allowed", () => {
    expect(allow("Bearer user-token")).toEqual({ ok: false, reason: "unknown-token" });
    expect(createTokenAllowlist(["bot-one"], true)("Bearer user-token")).toEqual({ ok: true, auth: { kind: "bearer", token: "user-token" } });
  });
});
