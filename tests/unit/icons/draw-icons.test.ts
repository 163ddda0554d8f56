import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { iconFiles, manifest } from "@/scripts/icons/draw-icons";
import { crc32, pngSignature } from "@/scripts/icons/png";

type Png = { width: number; height: number; rgba: Buffer };

/** Reads back what encodePng writes (RGBA, filter None on every row), checking each chunk's CRC. */
function readPng(file: Buffer): Png {
  expect(file.subarray(0, 8).equals(pngSignature)).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < file.length) {
    const length = file.readUInt32BE(offset);
    const type = file.toString("ascii", offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    expect(file.readUInt32BE(offset + 8 + length)).toBe(crc32(file.subarray(offset + 4, offset + 8 + length)));
    if (type === "IHDR") [width, height] = [body.readUInt32BE(0), body.readUInt32BE(4)];
    if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  expect(raw.length).toBe((width * 4 + 1) * height);
  const rgba = Buffer.alloc(width * height * 4);
  for (let row = 0; row < height; row += 1) rgba.set(raw.subarray(row * (width * 4 + 1) + 1, (row + 1) * (width * 4 + 1)), row * width * 4);
  return { width, height, rgba };
}

function pixel(png: Png, x: number, y: number): number[] {
  const offset = (y * png.width + x) * 4;
  return [...png.rgba.subarray(offset, offset + 4)];
}

const files = iconFiles();
const publicFile = (path: string) => readFileSync(join("public", path));

describe("the product's icons", () => {
  it("public/ holds exactly what scripts/icons/draw-icons.ts draws (run it after changing the mark)", () => {
    for (const [path, bytes] of files) expect(publicFile(path).equals(bytes), path).toBe(true);
  });

  it("computes CRC-32 as PNG requires (the standard check value)", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcb_f4_39_26);
  });

  it("draws the mark: a green shield around a white ball with a green centre, transparent outside", () => {
    const icon = readPng(publicFile("icons/icon-512.png"));
    expect([icon.width, icon.height]).toEqual([512, 512]);
    expect(pixel(icon, 0, 0)[3]).toBe(0);
    expect(pixel(icon, 256, 252)).toEqual([0x0b, 0x6e, 0x4f, 255]);
    expect(pixel(icon, 220, 200)).toEqual([255, 255, 255, 255]);
    expect(pixel(icon, 110, 200)).toEqual([0x0b, 0x6e, 0x4f, 255]);
  });

  it("keeps the maskable icon's mark inside the safe zone, on an opaque tile", () => {
    const icon = readPng(publicFile("icons/maskable-512.png"));
    const translucent = Array.from({ length: icon.width * icon.height }, (_, index) => icon.rgba[index * 4 + 3]).filter((alpha) => alpha !== 255);
    expect(translucent).toEqual([]);
    // Everything outside the middle 80% circle is the plain tile.
    const marked: string[] = [];
    for (let y = 0; y < 512; y += 4) {
      for (let x = 0; x < 512; x += 4) {
        if (Math.hypot(x - 256, y - 256) > 0.4 * 512 && pixel(icon, x, y).join() !== "255,255,255,255") marked.push(`${x},${y}`);
      }
    }
    expect(marked).toEqual([]);
    expect(pixel(icon, 256, 252)).toEqual([0x0b, 0x6e, 0x4f, 255]);
  });

  it("packs 16, 32 and 48 px PNGs into favicon.ico", () => {
    const ico = publicFile("favicon.ico");
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 3]);
    const sizes = [0, 1, 2].map((index) => {
      const entry = 6 + index * 16;
      const png = readPng(ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8)));
      expect(png.width).toBe(ico.readUInt8(entry));
      return png.width;
    });
    expect(sizes).toEqual([16, 32, 48]);
  });

  it("names in the manifest only icons that exist, at the sizes it claims", () => {
    expect(JSON.parse(publicFile("manifest.webmanifest").toString("utf8"))).toEqual(manifest);
    for (const icon of manifest.icons) {
      const path = icon.src.slice(1);
      expect(existsSync(join("public", path)), icon.src).toBe(true);
      if (icon.type === "image/png") {
        const png = readPng(publicFile(path));
        expect(`${png.width}x${png.height}`).toBe(icon.sizes);
      }
    }
    expect(manifest.icons.some((icon) => icon.purpose === "maskable")).toBe(true);
  });

  it("links from the root layout only to files public/ serves", () => {
    const layout = readFileSync("app/layout.tsx", "utf8");
    const linked = [...layout.matchAll(/(?:url|manifest): "(\/[^"]+)"/g)].map((match) => match[1] ?? "");
    expect(linked).toEqual(expect.arrayContaining(["/favicon.ico", "/icon.svg", "/apple-touch-icon.png", "/manifest.webmanifest"]));
    for (const path of linked) expect(existsSync(join("public", path)), path).toBe(true);
  });
});
