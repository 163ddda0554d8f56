import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { crc32, deflateSync } from "node:zlib";
import type { Directory } from "./state";

/**
 * The emulator is Discord's CDN too (cdn.discordapp.com), on its own origin:
 *
 * - `GET /avatars/:user_id/:hash.png[?size=N]`: the user's avatar, only under
 *   the hash the user has now (an unknown user or another hash is a 404);
 * - `GET /embed/avatars/:index.png`: Discord's six default avatars, 0 to 5.
 *
 * Images are drawn here, small and deterministic: an avatar is a symmetric
 * 5x5 pattern in a colour taken from its hash (the same hash, the same
 * picture, on every run); a default avatar is a white disc on the colour
 * Discord gives that index. `size` takes Discord's values (powers of two,
 * 16 to 4096); an image is never drawn above 256 px, as Discord never
 * upscales a small original. Only PNG is served. No rate limits: Discord's
 * CDN has none of the API's.
 */

export type CdnResponse = { status: number; headers: Record<string, string>; body: Buffer };

const avatarPath = /^\/avatars\/(\d{1,20})\/((?:a_)?[0-9a-f]{1,64})\.png$/;
const defaultAvatarPath = /^\/embed\/avatars\/(\d+)\.png$/;

/** The colours of Discord's default avatars, by index. */
const defaultAvatarColours: readonly Rgb[] = [
  [0x58, 0x65, 0xf2],
  [0x75, 0x7e, 0x8a],
  [0x3b, 0xa5, 0x5c],
  [0xfa, 0xa6, 0x1a],
  [0xed, 0x42, 0x45],
  [0xeb, 0x45, 0x9f],
];

const defaultSizePx = 128;
const largestDrawnPx = 256;
const cacheControl = "public, max-age=86400, immutable";

type Rgb = readonly [number, number, number];

/** Whether a path is the CDN's: the pipeline hands those here before any API handling. */
export function isCdnPath(pathname: string): boolean {
  return pathname.startsWith("/avatars/") || pathname.startsWith("/embed/avatars/");
}

/** The CDN's answer to one request (GET or HEAD). */
export function answerCdn(directory: Directory, method: string, url: URL): CdnResponse {
  if (method !== "GET" && method !== "HEAD") return text(405, "405: Method Not Allowed", { Allow: "GET, HEAD" });
  const size = requestedSize(url.searchParams.get("size"));
  if (size === null) return text(400, "Invalid size: use a power of two from 16 to 4096.");
  const avatar = avatarPath.exec(url.pathname);
  if (avatar) {
    const [, userId = "", hash = ""] = avatar;
    if (directory.findUser(userId)?.avatar !== hash) return text(404, "404: Not Found");
    return png(drawPattern(hash, size));
  }
  const fallback = defaultAvatarPath.exec(url.pathname);
  const colour = fallback ? defaultAvatarColours[Number(fallback[1])] : undefined;
  if (!colour) return text(404, "404: Not Found");
  return png(drawDisc(colour, size));
}

export function sendCdnResponse(response: ServerResponse, reply: CdnResponse, method: string): void {
  response.writeHead(reply.status, { ...reply.headers, "Content-Length": String(reply.body.length) });
  response.end(method === "HEAD" ? undefined : reply.body);
}

/** Pixels drawn for a requested size: absent is the default; anything but Discord's sizes is null (a 400). */
function requestedSize(raw: string | null): number | null {
  if (raw === null) return defaultSizePx;
  const size = Number(raw);
  const powerOfTwo = Number.isInteger(size) && size >= 16 && size <= 4_096 && (size & (size - 1)) === 0;
  return powerOfTwo ? Math.min(size, largestDrawnPx) : null;
}

function text(status: number, message: string, headers: Record<string, string> = {}): CdnResponse {
  return { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers }, body: Buffer.from(message) };
}

function png(image: Image): CdnResponse {
  return { status: 200, headers: { "Content-Type": "image/png", "Cache-Control": cacheControl }, body: encodePng(image) };
}

type Image = { size: number; pixel(x: number, y: number): Rgb };

const background: Rgb = [0xf2, 0xf3, 0xf5];
const white: Rgb = [0xff, 0xff, 0xff];

/** A symmetric 5x5 pattern (an identicon) with a margin, its colour and cells from the hash's digest. */
function drawPattern(hash: string, size: number): Image {
  const digest = createHash("sha256").update(hash).digest();
  const colour = hslToRgb(((digest[0] ?? 0) / 255) * 360, 0.55, 0.5);
  const cells = 5;
  const on = (column: number, row: number): boolean => {
    const mirrored = column < 3 ? column : cells - 1 - column;
    return ((digest[1 + row * 3 + mirrored] ?? 0) & 1) === 1;
  };
  const grid = cells + 1;
  return {
    size,
    pixel(x, y) {
      const column = Math.floor((x / size) * grid - 0.5);
      const row = Math.floor((y / size) * grid - 0.5);
      if (column < 0 || row < 0 || column >= cells || row >= cells) return background;
      return on(column, row) ? colour : background;
    },
  };
}

/** Discord's default avatar, roughly: a white disc on the index's colour. */
function drawDisc(colour: Rgb, size: number): Image {
  const centre = size / 2;
  const radius = size * 0.3;
  return {
    size,
    pixel(x, y) {
      return (x + 0.5 - centre) ** 2 + (y + 0.5 - centre) ** 2 <= radius ** 2 ? white : colour;
    },
  };
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = hue / 60;
  const second = chroma * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1 ? [chroma, second, 0] : h < 2 ? [second, chroma, 0] : h < 3 ? [0, chroma, second] : h < 4 ? [0, second, chroma] : h < 5 ? [second, 0, chroma] : [chroma, 0, second];
  const match = lightness - chroma / 2;
  return [Math.round((r + match) * 255), Math.round((g + match) * 255), Math.round((b + match) * 255)];
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit RGB PNG: every row unfiltered (filter byte 0), deflated once. */
function encodePng(image: Image): Buffer {
  const { size } = image;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8);
  header.writeUInt8(2, 9);
  const stride = 1 + size * 3;
  const raw = Buffer.alloc(stride * size);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const [r, g, b] = image.pixel(x, y);
      const offset = y * stride + 1 + x * 3;
      raw[offset] = r;
      raw[offset + 1] = g;
      raw[offset + 2] = b;
    }
  }
  return Buffer.concat([pngSignature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}
