import { describe, expect, it } from "vitest";
import { safeRedirect } from "@/lib/auth/safe-redirect";

const base = "http://127.0.0.1:3000";

describe("safeRedirect", () => {
  it("keeps paths inside the app", () => {
    expect(safeRedirect("/", base)).toBe(`${base}/`);
    expect(safeRedirect("/admin?x=1", base)).toBe(`${base}/admin?x=1`);
    expect(safeRedirect(`${base}/admin`, base)).toBe(`${base}/admin`);
  });
  it("sends every other site home", () => {
    for (const hostile of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "http://127.0.0.1:3001/", "not a url"]) {
      expect(safeRedirect(hostile, base)).toBe(base);
    }
  });
});
