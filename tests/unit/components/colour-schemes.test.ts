import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Dark mode mirrors the colour scales in app/globals.css instead of giving
 * every class a `dark:` twin. These checks keep that sound: every scale a
 * component uses is mirrored, nobody writes a `dark:` colour (it would be
 * mirrored twice), and the pairs the components put together keep WCAG AA
 * contrast (4.5:1) in both schemes, computed from the CSS itself.
 */

const globals = readFileSync("app/globals.css", "utf8");
const tailwindTheme = readFileSync("node_modules/tailwindcss/theme.css", "utf8");
const steps = ["50", "100", "200", "300", "400", "600", "700", "800", "900", "950"];

function declarations(css: string): Map<string, string> {
  return new Map([...css.matchAll(/(--color-[\w-]+):\s*([^;]+);/g)].map((match) => [match[1] ?? "", (match[2] ?? "").trim()]));
}

const darkBlock = /@media \(prefers-color-scheme: dark\) \{([\s\S]*?)\n\}/.exec(globals)?.[1] ?? "";
const ownTheme = /@theme \{([\s\S]*?)\}/.exec(globals)?.[1] ?? "";
const light = new Map([...declarations(tailwindTheme), ...declarations(ownTheme)]);
const dark = new Map([...light, ...declarations(darkBlock)]);

type Rgb = [number, number, number];

/** Linear-light sRGB of a hex or `oklch(L% C H)` value (the only forms our CSS and Tailwind's palette use). */
function linearRgb(value: string): Rgb {
  const hex = /^#([0-9a-f]{6})$/i.exec(value);
  if (hex) {
    const channels = [0, 2, 4].map((offset) => parseInt(hex[1]?.slice(offset, offset + 2) ?? "0", 16) / 255);
    return channels.map((c) => (c <= 0.040_45 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as Rgb;
  }
  const oklch = /^oklch\(([\d.]+)%\s+([\d.]+)\s+([\d.]+)\)$/.exec(value);
  if (!oklch) throw new Error(`cannot read colour ${value}`);
  const lightness = Number(oklch[1]) / 100;
  const chroma = Number(oklch[2]);
  const hue = (Number(oklch[3]) * Math.PI) / 180;
  const a = chroma * Math.cos(hue);
  const b = chroma * Math.sin(hue);
  const l = (lightness + 0.396_337_777_4 * a + 0.215_803_757_3 * b) ** 3;
  const m = (lightness - 0.105_561_345_8 * a - 0.063_854_172_8 * b) ** 3;
  const s = (lightness - 0.089_484_177_5 * a - 1.291_485_548 * b) ** 3;
  const rgb = [
    4.076_741_662_1 * l - 3.307_711_591_3 * m + 0.230_969_929_2 * s,
    -1.268_438_004_6 * l + 2.609_757_401_1 * m - 0.341_319_396_5 * s,
    -0.004_196_086_3 * l - 0.703_418_614_7 * m + 1.707_614_701 * s,
  ];
  return rgb.map((c) => Math.min(1, Math.max(0, c))) as Rgb;
}

function luminance(value: string): number {
  const [r, g, b] = linearRgb(value);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(foreground: string, background: string, scheme: Map<string, string>): number {
  const colour = (name: string) => (name === "white" ? "#ffffff" : (scheme.get(`--color-${name}`) ?? ""));
  const [lighter, darker] = [luminance(colour(foreground)), luminance(colour(background))].sort((x, y) => y - x);
  return ((lighter ?? 0) + 0.05) / ((darker ?? 0) + 0.05);
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(tsx|ts)$/.test(entry) ? [path] : [];
  });
}

const sources = [...sourceFiles("components"), ...sourceFiles("app")].map((path) => ({ path, text: readFileSync(path, "utf8") }));
const colourUtility = /\b(?:bg|text|border|ring|divide|decoration|outline|accent|fill|stroke|from|via|to|placeholder|caret)-([a-z]+)-(\d{2,3})\b/g;

describe("colour schemes", () => {
  it("mirrors, in dark mode, every colour scale the components use", () => {
    const used = new Set(sources.flatMap(({ text }) => [...text.matchAll(colourUtility)].map((match) => match[1] ?? "")));
    expect(used.size).toBeGreaterThan(0);
    const unmirrored = [...used].filter((scale) => steps.some((step) => !declarations(darkBlock).has(`--color-${scale}-${step}`)));
    expect(unmirrored).toEqual([]);
  });

  it("mirrors each scale end for end", () => {
    const mirrored = declarations(darkBlock);
    for (const [name, value] of mirrored) {
      const scaleStep = /^--color-([a-z]+)-(\d+)$/.exec(name);
      if (!scaleStep) continue;
      const opposite = steps[steps.length - 1 - steps.indexOf(scaleStep[2] ?? "")];
      expect(value, name).toBe(light.get(`--color-${scaleStep[1]}-${opposite}`));
    }
  });

  it("has no dark: colour variants, which the mirrored scales would turn back", () => {
    const offenders = sources.filter(({ text }) => /\bdark:(?:bg|text|border|ring|divide|decoration|outline)-/.test(text)).map(({ path }) => path);
    expect(offenders).toEqual([]);
  });

  // [text, background]: the pairs the components and the shared styles put together.
  const pairs: [string, string][] = [
    ["slate-900", "slate-50"],
    ["slate-700", "slate-50"],
    ["slate-600", "slate-50"],
    ["slate-900", "surface"],
    ["slate-800", "surface"],
    ["slate-700", "surface"],
    ["slate-600", "surface"],
    ["slate-800", "slate-100"],
    ["slate-900", "slate-100"],
    ["brand", "surface"],
    ["brand", "slate-50"],
    ["white", "brand-fill"],
    ["white", "brand-dark"],
    ["white", "discord"],
    ["white", "discord-dark"],
    ["white", "danger"],
    ["white", "danger-dark"],
    ["red-700", "surface"],
    ["red-800", "red-50"],
    ["red-900", "red-50"],
    ["red-900", "red-100"],
    ["slate-900", "red-50"],
    ["amber-900", "amber-50"],
    ["emerald-900", "emerald-50"],
    ["emerald-700", "surface"],
    ["purple-800", "purple-100"],
  ];

  for (const [schemeName, scheme] of [
    ["light", light],
    ["dark", dark],
  ] as const) {
    it.each(pairs)(`${schemeName}: %s on %s reads at 4.5:1 or better`, (foreground, background) => {
      expect(contrast(foreground, background, scheme)).toBeGreaterThanOrEqual(4.5);
    });
  }

  it("computes contrast the WCAG way (black on white is 21:1, a colour on itself 1:1)", () => {
    const scheme = new Map([...light, ["--color-black", "#000000"]]);
    expect(contrast("black", "white", scheme)).toBeCloseTo(21, 5);
    expect(contrast("slate-500", "slate-500", scheme)).toBeCloseTo(1, 5);
    // Tailwind's slate-600 on white is a known 7.5:1 pair.
    expect(contrast("slate-600", "white", scheme)).toBeGreaterThan(7);
  });
});
