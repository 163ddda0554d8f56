import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Routes } from "discord-api-types/v10";
import { startEmulator, type EmulatorHandle } from "@/emulator/server";
import type { ProxyHandle } from "@/lib/discord/proxy/start-proxy";
import { botToken, proxyFor } from "../../helpers/proxy-kit";

const guildId = "1100000000000000001";
const roleIds = ["1100000000000000101", "1100000000000000102", "1100000000000000103"];

let emulator: EmulatorHandle;
let redis: Redis;
let proxy: ProxyHandle;
let memberIds: string[];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, routeLimits: { "PUT /guilds/:guild_id/members/:user_id/roles/:role_id": { count: 100, windowSeconds: 1 }, "GET /guilds/:guild_id/members/:user_id": { count: 100, windowSeconds: 1 } } });
  redis = new Redis(inject("redisUrl"));
  proxy = await proxyFor({ apiBase: `${emulator.url}/api/v10`, redis, keyPrefix: `it:${randomBytes(4).toString("hex")}:`, config: {} });
  memberIds = [];
  for (let i = 0; i < 6; i += 1) {
    const made = await fetch(`${emulator.url}/__emulator/users`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `order_${i}` }) });
    expect(made.status).toBe(201);
    memberIds.push(((await made.json()) as { id: string }).id);
  }
});
afterAll(async () => {
  await proxy?.close();
  redis?.disconnect();
  await emulator?.close();
});

describe("proxy ordering", () => {
  it("forwards a give and a take on one member role in the order they came, before any bucket is known", async () => {
    const paths = memberIds.flatMap((memberId) => roleIds.map((roleId) => Routes.guildMemberRole(guildId, memberId, roleId)));
    expect(paths).toHaveLength(18);
    const send = (method: "PUT" | "DELETE", path: string) => fetch(`${proxy.url}/api/v10${path}`, { method, headers: { authorization: `Bot ${botToken}` } });
    // Every give is handed to the proxy before its take, all at once: the take must not overtake it on the way to Discord.
    const answers = await Promise.all(paths.flatMap((path) => [send("PUT", path), send("DELETE", path)]));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 204));
    const stillHeld: string[] = [];
    for (const memberId of memberIds) {
      const answer = await fetch(`${emulator.url}/api/v10${Routes.guildMember(guildId, memberId)}`, { headers: { authorization: `Bot ${botToken}` } });
      const member = (await answer.json()) as { roles: string[] };
      expect(answer.status, JSON.stringify(member)).toBe(200);
      stillHeld.push(...member.roles.filter((role) => roleIds.includes(role)));
    }
    expect(stillHeld).toEqual([]);
  });
});
