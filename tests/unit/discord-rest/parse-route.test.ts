import { Routes } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { parseRoute } from "@/lib/discord/rest/route";
import { tokenDigest } from "@/lib/auth/token-digest";

describe("parseRoute", () => {
  it("keys a member-role change by route template and guild", () => {
    const route = parseRoute("PUT", Routes.guildMemberRole("1100000000000000001", "1200000000000000002", "1100000000000000101"));
    expect(route.template).toBe("/guilds/:guild_id/members/:id/roles/:id");
    expect(route.major).toBe("1100000000000000001");
    expect(route.routeKey).toBe("PUT /guilds/:guild_id/members/:id/roles/:id:1100000000000000001");
  });

  it("gives another guild another route key but the same route id", () => {
    const a = parseRoute("GET", Routes.guildRoles("1"));
    const b = parseRoute("GET", Routes.guildRoles("2"));
    expect(a.routeId).toBe(b.routeId);
    expect(a.routeKey).not.toBe(b.routeKey);
  });

  it("keys bearer routes by the token's digest, never the token", () => {
    const token = "user-access-token-secret";
    const route = parseRoute("GET", Routes.userGuildMember("1100000000000000001"), token);
    expect(route.template).toBe("/users/@me/guilds/:id/member");
    expect(route.major).toBe(`-@${tokenDigest(token)}`);
    expect(JSON.stringify(route)).not.toContain(token);
  });

  it("hides webhook tokens and makes them part of the major parameter", () => {
    const token = "a".repeat(68);
    const route = parseRoute("POST", Routes.webhook("1300000000000000001", token));
    expect(route.template).toBe("/webhooks/:webhook_id/:token");
    expect(route.major).toBe(`1300000000000000001/${tokenDigest(token)}`);
    expect(`${route.routeKey} ${route.template}`).not.toContain(token);
  });

  it("exempts interaction callbacks from the global limit", () => {
    const route = parseRoute("POST", Routes.interactionCallback("1300000000000000001", "b".repeat(80)));
    expect(route.globalExempt).toBe(true);
    expect(route.template).toBe("/interactions/:id/:token/callback");
  });

  it("ignores the query string in the template", () => {
    expect(parseRoute("GET", "/guilds/1/members?limit=5").template).toBe("/guilds/:guild_id/members");
  });
});
