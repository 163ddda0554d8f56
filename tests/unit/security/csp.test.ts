import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "@/lib/security/csp";

function directive(policy: string, name: string): string | undefined {
  return policy
    .split("; ")
    .find((entry) => entry.startsWith(`${name} `))
    ?.slice(name.length + 1);
}

describe("the pages' Content-Security-Policy", () => {
  const base = { nonce: "bm9uY2U=", development: false, https: true, discordOrigin: "https://discord.com" };

  it("allows images from this app, data: URLs and exactly the configured CDN origin", () => {
    expect(directive(contentSecurityPolicy({ ...base, cdnOrigin: "https://cdn.discordapp.com" }), "img-src")).toBe("'self' data: https://cdn.discordapp.com");
    expect(directive(contentSecurityPolicy({ ...base, cdnOrigin: "http://127.0.0.1:3101" }), "img-src")).toBe("'self' data: http://127.0.0.1:3101");
  });

  it("lets the CDN serve images only: scripts, styles and connections stay on this app", () => {
    const policy = contentSecurityPolicy({ ...base, cdnOrigin: "https://cdn.discordapp.com" });
    for (const name of ["default-src", "script-src", "style-src", "connect-src", "font-src"]) expect(directive(policy, name)).not.toContain("cdn.discordapp.com");
  });
});
