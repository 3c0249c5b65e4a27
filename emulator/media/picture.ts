import { prng } from "../text/hash.js";
import type { IndexedPicture, Rgb } from "./png.js";

/** A colour from hue (degrees), saturation and lightness (0–1). */
function hsl(h: number, s: number, l: number): Rgb {
  const hue = ((h % 360) + 360) % 360;
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] =
    hue < 60
      ? [c, x, 0]
      : hue < 120
        ? [x, c, 0]
        : hue < 180
          ? [0, c, x]
          : hue < 240
            ? [0, x, c]
            : hue < 300
              ? [x, 0, c]
              : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

/**
 * Paints a simple landscape (a sky gradient, a sun, three rows of hills) whose colours and shapes
 * all come from `seed`: the same seed gives the same picture at any size, scaled.
 *
 * It is built for speed, not art: the picture is indexed (one byte per pixel, at most 204 colours),
 * sky rows and the sun are filled as runs, and only the hills are painted pixel by pixel.
 */
export function paintLandscape(width: number, height: number, seed: number): IndexedPicture {
  const rnd = prng(seed);
  const hue = rnd.next() * 360;
  const skyTop = hsl(hue, 0.5, 0.22 + rnd.next() * 0.2);
  const skyHorizon = hsl(hue + 30 + rnd.next() * 40, 0.7, 0.68 + rnd.next() * 0.15);
  const sun = hsl(hue + 150 + rnd.next() * 60, 0.9, 0.62);
  const short = Math.min(width, height);
  const sunX = width * (0.15 + rnd.next() * 0.7);
  const sunY = height * (0.12 + rnd.next() * 0.3);
  const sunR = short * (0.06 + rnd.next() * 0.08);
  const hillHue = hue + 90 + rnd.next() * 120;
  const layers = [0, 1, 2].map((k) => {
    const color = hsl(hillHue + k * 12, 0.35 + rnd.next() * 0.2, 0.42 - k * 0.1);
    const base = height * (0.5 + k * 0.14 + rnd.next() * 0.06);
    const a1 = height * (0.02 + rnd.next() * 0.05);
    const a2 = height * (0.01 + rnd.next() * 0.03);
    const f1 = ((1 + rnd.int(3)) * 2 * Math.PI) / width;
    const f2 = ((3 + rnd.int(5)) * 2 * Math.PI) / width;
    const p1 = rnd.next() * 2 * Math.PI;
    const p2 = rnd.next() * 2 * Math.PI;
    const top = new Int32Array(width);
    for (let x = 0; x < width; x++)
      top[x] = Math.round(base + a1 * Math.sin(f1 * x + p1) + a2 * Math.sin(f2 * x + p2));
    return { color, top };
  });
  const highest = Math.min(...layers.map((l) => Math.min(...l.top)));

  // An indexed picture: the sky gradient in up to 200 steps, then the sun, then the hills.
  const steps = Math.max(1, Math.min(200, height));
  const palette: Rgb[] = [];
  for (let i = 0; i < steps; i++) palette.push(mix(skyTop, skyHorizon, steps > 1 ? i / (steps - 1) : 0));
  const sunIndex = palette.push(sun) - 1;
  const layerIndex = layers.map((l) => palette.push(l.color) - 1);

  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    pixels.fill(Math.floor((y * steps) / height), row, row + width);
    const dy = y + 0.5 - sunY;
    if (Math.abs(dy) < sunR) {
      const half = Math.sqrt(sunR * sunR - dy * dy);
      pixels.fill(
        sunIndex,
        row + Math.max(0, Math.round(sunX - half)),
        row + Math.min(width, Math.round(sunX + half)),
      );
    }
    if (y < highest) continue;
    for (let x = 0; x < width; x++) {
      for (let k = layers.length - 1; k >= 0; k--) {
        if (y >= ((layers[k] as (typeof layers)[number]).top[x] as number)) {
          pixels[row + x] = layerIndex[k] as number;
          break;
        }
      }
    }
  }
  return { width, height, palette, pixels };
}
