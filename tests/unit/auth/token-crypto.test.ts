import { describe, expect, it } from "vitest";
import { decryptText, deriveTokenKey, encryptText } from "@/lib/auth/token-crypto";
import { tokenDigest } from "@/lib/auth/token-digest";

describe("tokens at rest", () => {
  const key = deriveTokenKey("a-secret-that-is-at-least-32-characters-long");

  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptText(key, "access-token-value");
    expect(sealed).not.toContain("access-token-value");
    expect(decryptText(key, sealed)).toBe("access-token-value");
  });
  it("uses a fresh IV each time", () => {
    expect(encryptText(key, "same")).not.toBe(encryptText(key, "same"));
  });
  it("refuses a tampered value or another key", () => {
    const sealed = encryptText(key, "value");
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(() => decryptText(key, tampered)).toThrow();
    expect(() => decryptText(deriveTokenKey("another-secret-that-is-32-characters-long!"), sealed)).toThrow();
  });
  it("digests tokens to a fixed-length hex name", () => {
    expect(tokenDigest("abc")).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest("abc")).not.toBe(tokenDigest("abd"));
  });
});
