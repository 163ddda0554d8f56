import { describe, expect, it } from "vitest";
import { avatarUrl, defaultAvatarIndex, discordCdnBase } from "@/lib/identity/avatar";
import { decodeIdentity, displayNameOf, encodeIdentity, identityOfDiscordUser } from "@/lib/identity/identity";

describe("avatar URLs", () => {
  it("points at the user's avatar on the CDN, as a PNG of the asked size", () => {
    expect(avatarUrl(discordCdnBase, "80351110224678912", { username: "nelly", globalName: null, avatar: "8342729096ea3675442027381ff50dfe" }, 128)).toBe(
      "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png?size=128",
    );
  });

  it("shows an animated avatar's first frame (PNG), so lists never move on their own", () => {
    expect(avatarUrl(discordCdnBase, "80351110224678912", { username: "nelly", globalName: null, avatar: "a_1269e74af4df7417b13759eae50c83dc" })).toBe(
      "https://cdn.discordapp.com/avatars/80351110224678912/a_1269e74af4df7417b13759eae50c83dc.png?size=64",
    );
  });

  it("uses the configured CDN base, with or without a trailing slash", () => {
    const identity = { username: "manager", globalName: "Manager", avatar: "0123456789abcdef0123456789abcdef" };
    expect(avatarUrl("http://127.0.0.1:3001/", "1200000000000000004", identity)).toBe("http://127.0.0.1:3001/avatars/1200000000000000004/0123456789abcdef0123456789abcdef.png?size=64");
    expect(avatarUrl("http://127.0.0.1:3001", "1200000000000000002", null)).toMatch(/^http:\/\/127\.0\.0\.1:3001\/embed\/avatars\/[0-5]\.png$/);
  });

  it("picks Discord's default avatar from the id's timestamp bits on the new username system", () => {
    // (id >> 22) % 6, as Discord documents it.
    expect(defaultAvatarIndex("80351110224678912")).toBe(Number((80351110224678912n >> 22n) % 6n));
    expect(defaultAvatarIndex("1200000000000000002")).toBe(Number((1200000000000000002n >> 22n) % 6n));
    const indexes = new Set(Array.from({ length: 60 }, (_, index) => defaultAvatarIndex(String((BigInt(index) << 22n) + 5n))));
    expect([...indexes].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(avatarUrl(discordCdnBase, "80351110224678912", { username: "nelly", globalName: null, avatar: null })).toBe(
      `https://cdn.discordapp.com/embed/avatars/${Number((80351110224678912n >> 22n) % 6n)}.png`,
    );
  });

  it("picks by the discriminator modulo 5 for a user still on discriminators", () => {
    expect(defaultAvatarIndex("80351110224678912", "1337")).toBe(2);
    expect(defaultAvatarIndex("80351110224678912", "0")).toBe(defaultAvatarIndex("80351110224678912"));
    expect(avatarUrl(discordCdnBase, "80351110224678912", { username: "bot", globalName: null, avatar: null, discriminator: "0004" })).toBe("https://cdn.discordapp.com/embed/avatars/4.png");
  });

  it("falls back to the first default avatar for an id that is not a number", () => {
    expect(defaultAvatarIndex("not-an-id")).toBe(0);
  });
});

describe("identities", () => {
  it("are read from a Discord user object: display name first, then username", () => {
    const identity = identityOfDiscordUser({ id: "1", username: "manager", global_name: "Manager", avatar: "0123456789abcdef0123456789abcdef", discriminator: "0" });
    expect(identity).toEqual({ username: "manager", globalName: "Manager", avatar: "0123456789abcdef0123456789abcdef" });
    expect(identity && displayNameOf(identity)).toBe("Manager");
    const plain = identityOfDiscordUser({ id: "2", username: "newcomer", global_name: null, avatar: null, discriminator: "0" });
    expect(plain && displayNameOf(plain)).toBe("newcomer");
  });

  it("keep a bot's discriminator, and nothing from a partial user", () => {
    expect(identityOfDiscordUser({ id: "3", username: "SAFA Bot", global_name: null, avatar: null, discriminator: "4821" })).toMatchObject({ discriminator: "4821" });
    expect(identityOfDiscordUser({ id: "4" })).toBeNull();
    expect(identityOfDiscordUser({ id: "5", username: "x", avatar: "../../etc" })).toBeNull();
  });

  it("round-trip through their stored JSON, and a bad record reads as unknown", () => {
    const identity = { username: "player", globalName: "Player", avatar: null };
    expect(decodeIdentity(encodeIdentity(identity))).toEqual(identity);
    expect(decodeIdentity("{not json")).toBeNull();
    expect(decodeIdentity(JSON.stringify({ username: "", globalName: null, avatar: null }))).toBeNull();
    expect(decodeIdentity(null)).toBeNull();
  });
});
