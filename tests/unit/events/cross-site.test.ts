import { describe, expect, it } from "vitest";
import { opensFromElsewhere } from "@/lib/events/cross-site";

const app = "https://safa.example";
const from = (headers: Record<string, string>) => opensFromElsewhere(new Headers(headers), app);

describe("opensFromElsewhere", () => {
  it("lets the dashboard's own tabs in", () => {
    expect(from({ "sec-fetch-site": "same-origin" })).toBe(false);
    expect(from({ "sec-fetch-site": "same-origin", origin: "https://safa.example" })).toBe(false);
    // Clients that send neither (curl, older browsers) rely on the SameSite=Lax session cookie.
    expect(from({})).toBe(false);
  });
  it("refuses other sites, sibling subdomains and forged or opaque origins", () => {
    expect(from({ "sec-fetch-site": "cross-site" })).toBe(true);
    expect(from({ "sec-fetch-site": "same-site" })).toBe(true);
    expect(from({ origin: "https://evil.example" })).toBe(true);
    expect(from({ origin: "http://safa.example" })).toBe(true);
    expect(from({ origin: "null" })).toBe(true);
    expect(from({ origin: "::not a url::" })).toBe(true);
  });
});
