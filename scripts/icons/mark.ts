/**
 * The SAFA mark: a green shield holding a football. One geometry, drawn two
 * ways: as SVG (the tab icon browsers scale themselves) and as pixels (the
 * PNG and ICO files phones and older browsers ask for), so every size shows
 * the same picture. Coordinates are on a 512-unit square.
 */

export const markColours = { shield: "#0b6e4f", ball: "#ffffff", patch: "#0b6e4f" } as const;

type Point = readonly [number, number];

const size = 512;
const ball = { cx: 256, cy: 252, r: 118 };
const patchRadius = 50;
const seamWidth = 14;

/** A quadratic Bézier from `from` through `control` to `to`, as `count` points after `from`. */
function curve(from: Point, control: Point, to: Point, count: number): Point[] {
  return Array.from({ length: count }, (_, index) => {
    const t = (index + 1) / count;
    const u = 1 - t;
    return [u * u * from[0] + 2 * u * t * control[0] + t * t * to[0], u * u * from[1] + 2 * u * t * control[1] + t * t * to[1]] as const;
  });
}

/** Flat top with softened corners, straight sides, and two curves meeting in a point at the bottom. */
function shieldOutline(): Point[] {
  const right = [[384, 56], ...curve([384, 56], [432, 56], [432, 104], 6), [432, 264], ...curve([432, 264], [432, 404], [256, 472], 16)] as Point[];
  const left = right.map(([x, y]) => [size - x, y] as const).reverse();
  return [...right, ...left.slice(1)];
}

/** The pentagon in the ball's middle, one corner up. */
function patchCorners(): Point[] {
  return Array.from({ length: 5 }, (_, index) => {
    const angle = -Math.PI / 2 + (index * 2 * Math.PI) / 5;
    return [ball.cx + patchRadius * Math.cos(angle), ball.cy + patchRadius * Math.sin(angle)] as const;
  });
}

/** From each pentagon corner straight out to the ball's edge. */
function seams(): [Point, Point][] {
  return patchCorners().map(([x, y]) => {
    const dx = x - ball.cx;
    const dy = y - ball.cy;
    const length = Math.hypot(dx, dy);
    return [[x, y], [ball.cx + (dx / length) * ball.r, ball.cy + (dy / length) * ball.r]];
  });
}

const shield = shieldOutline();
const patch = patchCorners();
const seamLines = seams();

const fixed = (value: number) => Number(value.toFixed(2));
const polygonPath = (points: readonly Point[]) => `M${points.map(([x, y]) => `${fixed(x)} ${fixed(y)}`).join("L")}Z`;

/** The mark as an SVG document, on a transparent square. */
export function markSvg(): string {
  const seamPaths = seamLines.map(([[x1, y1], [x2, y2]]) => `M${fixed(x1)} ${fixed(y1)}L${fixed(x2)} ${fixed(y2)}`).join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}">`,
    "<title>SAFA</title>",
    `<path d="${polygonPath(shield)}" fill="${markColours.shield}"/>`,
    `<circle cx="${ball.cx}" cy="${ball.cy}" r="${ball.r}" fill="${markColours.ball}"/>`,
    `<path d="${polygonPath(patch)}" fill="${markColours.patch}"/>`,
    `<path d="${seamPaths}" stroke="${markColours.patch}" stroke-width="${seamWidth}" stroke-linecap="round"/>`,
    "</svg>",
    "",
  ].join("");
}

/** Where a horizontal line at `y` crosses the polygon's edges, left to right: inside lies between pairs. */
function crossings(points: readonly Point[], y: number): number[] {
  const xs: number[] = [];
  for (let i = 0, j = points.length - 1; i < points.length; j = i, i += 1) {
    const [xi, yi] = points[i] ?? [0, 0];
    const [xj, yj] = points[j] ?? [0, 0];
    if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
  }
  return xs.sort((a, b) => a - b);
}

function insideCrossings(xs: readonly number[], x: number): boolean {
  let inside = false;
  for (const crossing of xs) {
    if (crossing > x) break;
    inside = !inside;
  }
  return inside;
}

function distanceToSegment(x: number, y: number, [[x1, y1], [x2, y2]]: [Point, Point]): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** The colour at one point of the 512-unit square, or null where the mark leaves it empty; `row` holds the polygons' crossings at this `y`. */
function colourAt(x: number, y: number, row: { shield: number[]; patch: number[] }): string | null {
  if (Math.hypot(x - ball.cx, y - ball.cy) <= ball.r) {
    if (insideCrossings(row.patch, x) || seamLines.some((seam) => distanceToSegment(x, y, seam) <= seamWidth / 2)) return markColours.patch;
    return markColours.ball;
  }
  return insideCrossings(row.shield, x) ? markColours.shield : null;
}

function rgb(hex: string): [number, number, number] {
  return [1, 3, 5].map((offset) => parseInt(hex.slice(offset, offset + 2), 16)) as [number, number, number];
}

/**
 * The mark as `pixels` x `pixels` RGBA, each pixel the average of a 4x4 grid
 * of samples (smooth edges). `background` fills the square; `scale` shrinks
 * the mark around the centre, for icons whose edges a phone may crop.
 */
export function markPixels(pixels: number, options: { background?: string; scale?: number } = {}): Uint8Array {
  const scale = options.scale ?? 1;
  const grid = 4;
  const out = new Uint8Array(pixels * pixels * 4);
  const background = options.background ? rgb(options.background) : null;
  for (let row = 0; row < pixels; row += 1) {
    const sampleRows = Array.from({ length: grid }, (_, sy) => {
      const y = 256 + (((row + (sy + 0.5) / grid) / pixels) * size - 256) / scale;
      return { y, shield: crossings(shield, y), patch: crossings(patch, y) };
    });
    for (let column = 0; column < pixels; column += 1) {
      let [red, green, blue, covered] = [0, 0, 0, 0];
      for (const sampleRow of sampleRows) {
        for (let sx = 0; sx < grid; sx += 1) {
          const x = 256 + (((column + (sx + 0.5) / grid) / pixels) * size - 256) / scale;
          const hex = colourAt(x, sampleRow.y, sampleRow);
          const sample = hex ? rgb(hex) : background;
          if (!sample) continue;
          red += sample[0];
          green += sample[1];
          blue += sample[2];
          covered += 1;
        }
      }
      const offset = (row * pixels + column) * 4;
      if (covered === 0) continue;
      out[offset] = Math.round(red / covered);
      out[offset + 1] = Math.round(green / covered);
      out[offset + 2] = Math.round(blue / covered);
      out[offset + 3] = Math.round((covered / (grid * grid)) * 255);
    }
  }
  return out;
}
