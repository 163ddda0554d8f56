import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { markPixels, markSvg } from "./mark";
import { encodeIco, encodePng } from "./png";

/**
 * Draws the product's marks into public/: the tab icon (SVG, and ICO for
 * browsers that ask for /favicon.ico), the home-screen icons and the web
 * manifest that names them. Run `npx tsx scripts/icons/draw-icons.ts` after
 * changing the mark; a unit test fails while public/ differs from what this
 * draws.
 */

/** Where a phone may crop an icon to a circle, the mark keeps inside the middle 80% (the manifest's "maskable" safe zone). */
const maskableScale = 0.72;
/** iOS fills transparency with black and rounds the corners itself. */
const appleScale = 0.86;
const tileBackground = "#ffffff";

export const manifest = {
  name: "SAFA Dashboard",
  short_name: "SAFA",
  description: "Your SAFA tournament profile, team and roles, straight from our Discord server.",
  start_url: "/",
  scope: "/",
  display: "standalone",
  background_color: "#f8fafc",
  theme_color: "#0b6e4f",
  icons: [
    { src: "/icon.svg", sizes: "any", type: "image/svg+xml", purpose: "any" },
    { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
    { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
    { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
  ],
} as const;

function png(pixels: number, options: { background?: string; scale?: number } = {}): Buffer {
  return encodePng(markPixels(pixels, options), pixels, pixels);
}

/** Every file under public/ this script owns, by path relative to public/. */
export function iconFiles(): Map<string, Buffer> {
  return new Map([
    ["icon.svg", Buffer.from(markSvg())],
    ["favicon.ico", encodeIco([16, 32, 48].map((size) => ({ size, png: png(size) })))],
    ["icons/icon-192.png", png(192)],
    ["icons/icon-512.png", png(512)],
    ["icons/maskable-512.png", png(512, { background: tileBackground, scale: maskableScale })],
    ["apple-touch-icon.png", png(180, { background: tileBackground, scale: appleScale })],
    ["manifest.webmanifest", Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)],
  ]);
}

function main(): void {
  for (const [path, bytes] of iconFiles()) {
    const target = join("public", path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    console.log(`wrote ${target} (${bytes.length} bytes)`);
  }
}

if (process.argv[1]?.endsWith("draw-icons.ts")) main();
