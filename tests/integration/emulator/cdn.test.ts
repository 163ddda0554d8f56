import { inflateSync } from "node:zlib";
import type { APIGuildMember, APIUser } from "discord-api-types/v10";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERSONAS } from "@/emulator/fixture";
import { avatarUrl, defaultAvatarIndex } from "@/lib/identity/avatar";
import { identityOfDiscordUser } from "@/lib/identity/identity";
import { emulator, guildId, type TestEmulator } from "../../helpers/harness";

/** The emulator as Discord's CDN: avatar PNGs on its own origin, under the URLs lib/identity builds. */

const manager = PERSONAS.find((persona) => persona.username === "manager");
const newcomer = PERSONAS.find((persona) => persona.username === "newcomer");
const player = PERSONAS.find((persona) => persona.username === "player");

/** Width, height and the inflated scanlines of a PNG, checked against the format as it goes. */
function readPng(bytes: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  const types: string[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("ascii", offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    types.push(type);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
    }
    if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  expect(types[0]).toBe("IHDR");
  expect(types.at(-1)).toBe("IEND");
  const pixels = inflateSync(Buffer.concat(data));
  expect(pixels.length).toBe(height * (1 + width * 3));
  return { width, height, pixels };
}

async function image(url: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get("content-type"), bytes: Buffer.from(await response.arrayBuffer()) };
}

describe("the emulator's CDN", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await emulator();
  });
  afterAll(() => emu.close());

  it("serves a persona's avatar as a PNG of the asked size under its hash", async () => {
    if (!manager?.avatar) throw new Error("the fixture's manager has an avatar");
    const url = avatarUrl(emu.url, manager.id, { username: manager.username, globalName: manager.globalName, avatar: manager.avatar }, 64);
    const { status, type, bytes } = await image(url);
    expect(status).toBe(200);
    expect(type).toBe("image/png");
    const png = readPng(bytes);
    expect([png.width, png.height]).toEqual([64, 64]);
    // Deterministic: the same hash draws the same picture, and another user's differs.
    expect((await image(url)).bytes.equals(bytes)).toBe(true);
    if (!player?.avatar) throw new Error("the fixture's player has an avatar");
    expect((await image(`${emu.url}/avatars/${player.id}/${player.avatar}.png?size=64`)).bytes.equals(bytes)).toBe(false);
  });

  it("serves Discord's six default avatars and nothing past them", async () => {
    const seen = new Set<string>();
    for (let index = 0; index < 6; index += 1) {
      const { status, type, bytes } = await image(`${emu.url}/embed/avatars/${index}.png`);
      expect(status).toBe(200);
      expect(type).toBe("image/png");
      expect(readPng(bytes).width).toBe(128);
      seen.add(bytes.toString("base64"));
    }
    expect(seen.size).toBe(6);
    expect((await image(`${emu.url}/embed/avatars/6.png`)).status).toBe(404);
  });

  it("answers 404 for an unknown user, a hash the user does not have, and another format; 400 for a size Discord refuses", async () => {
    if (!manager?.avatar) throw new Error("the fixture's manager has an avatar");
    expect((await image(`${emu.url}/avatars/1200000000000099999/${manager.avatar}.png`)).status).toBe(404);
    expect((await image(`${emu.url}/avatars/${manager.id}/0123456789abcdef0123456789abcdef.png`)).status).toBe(404);
    expect((await image(`${emu.url}/avatars/${manager.id}/${manager.avatar}.gif`)).status).toBe(404);
    const newcomerId = newcomer?.id ?? "";
    expect((await image(`${emu.url}/avatars/${newcomerId}/0123456789abcdef0123456789abcdef.png`)).status).toBe(404);
    expect((await image(`${emu.url}/avatars/${manager.id}/${manager.avatar}.png?size=100`)).status).toBe(400);
  });

  it("hands out users whose avatar and display name are Discord's, and a synthetic member's avatar is served too", async () => {
    const { access_token: token } = await emu.tokens(manager?.id ?? "");
    const me = (await (await fetch(`${emu.apiBase}/users/@me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as APIUser;
    expect(me).toMatchObject({ id: manager?.id, username: "manager", global_name: "Manager", avatar: manager?.avatar });

    const bot = { Authorization: "Bot emulator-bot-token" };
    const plain = (await (await fetch(`${emu.apiBase}/guilds/${guildId}/members/${newcomer?.id ?? ""}`, { headers: bot })).json()) as APIGuildMember;
    expect(plain.user.avatar).toBeNull();
    const identity = identityOfDiscordUser(plain.user);
    expect(avatarUrl(emu.url, plain.user.id, identity)).toBe(`${emu.url}/embed/avatars/${defaultAvatarIndex(plain.user.id)}.png`);

    const created = await emu.control<{ id: string }>("users", { body: { username: "avatarcheck", roles: [] } });
    const synthetic = (await (await fetch(`${emu.apiBase}/guilds/${guildId}/members/${created.id}`, { headers: bot })).json()) as APIGuildMember;
    expect(synthetic.user.avatar).toMatch(/^[0-9a-f]{32}$/);
    const served = await image(avatarUrl(emu.url, created.id, identityOfDiscordUser(synthetic.user)));
    expect(served.status).toBe(200);
    expect(readPng(served.bytes).width).toBe(64);
  });
});
