/**
 * Draws the Teams app icons procedurally (a shield with a padlock: "encrypted and backed up"):
 *   appPackage/color.png   192×192, full colour: white shield and accent-blue padlock on the accent colour.
 *   appPackage/outline.png  32×32, white shield outline and padlock on a transparent background (Teams requires
 *                          the outline icon to be only white and transparent).
 * Run `npx tsx scripts/make-icons.ts` after changing the drawing; the PNGs are kept in the repository.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

type Rgba = [number, number, number, number];
type Paint = (x: number, y: number) => Rgba;

const ACCENT: Rgba = [0x0f, 0x6c, 0xbd, 255]; // manifest accentColor #0F6CBD
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [255, 255, 255, 0];
const SUBSAMPLES = 4; // 4×4 samples a pixel for anti-aliased edges

/** A point in the unit box of a shape: u across, v down, both 0..1. */
interface Box {
  x: number;
  y: number;
  size: number;
}
const unit = (box: Box, x: number, y: number) => ({ u: (x - box.x) / box.size, v: (y - box.y) / box.size });

/** Flat top, straight sides to half height, then a cosine taper to a point. */
function inShield(u: number, v: number, inset = 0): boolean {
  if (v < inset || v > 1 - inset * 1.6) return false;
  const half = v <= 0.5 ? 0.42 : 0.42 * Math.cos((((v - 0.5) / 0.5) * Math.PI) / 2);
  return Math.abs(u - 0.5) <= half - inset;
}

/** A padlock centred in the shield: a body with a keyhole and an arched shackle. */
function inPadlock(u: number, v: number): boolean {
  const inBody = u >= 0.31 && u <= 0.69 && v >= 0.4 && v <= 0.68;
  const keyhole = Math.hypot(u - 0.5, v - 0.5) <= 0.04 || (Math.abs(u - 0.5) <= 0.018 && v >= 0.5 && v <= 0.6);
  const r = Math.hypot(u - 0.5, v - 0.4);
  const inShackle = (v <= 0.4 && r >= 0.08 && r <= 0.14) || (v > 0.4 && v <= 0.42 && r >= 0.08 && r <= 0.14);
  return (inBody && !keyhole) || inShackle;
}

function render(size: number, paint: Paint): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Average premultiplied samples so partly covered edge pixels keep their colour.
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const [r, g, b, a] = paint(px + (sx + 0.5) / SUBSAMPLES, py + (sy + 0.5) / SUBSAMPLES);
          sum[0] += r * a;
          sum[1] += g * a;
          sum[2] += b * a;
          sum[3] += a;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = sum[3] / SUBSAMPLES ** 2;
      for (let c = 0; c < 3; c++) png.data[i + c] = sum[3] ? Math.round(sum[c] / sum[3]) : 255;
      png.data[i + 3] = Math.round(alpha);
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  const shield: Box = { x: 36, y: 30, size: 120 };
  const lock: Box = { x: 48, y: 36, size: 96 };
  return render(192, (x, y) => {
    const s = unit(shield, x, y);
    if (!inShield(s.u, s.v)) return ACCENT;
    const l = unit(lock, x, y);
    return inPadlock(l.u, l.v) ? ACCENT : WHITE;
  });
}

export function outlineIcon(): Buffer {
  const shield: Box = { x: 3, y: 2, size: 27 };
  const lock: Box = { x: 6, y: 3, size: 20 };
  return render(32, (x, y) => {
    const s = unit(shield, x, y);
    const stroke = inShield(s.u, s.v) && !inShield(s.u, s.v, 0.085);
    const l = unit(lock, x, y);
    return stroke || inPadlock(l.u, l.v) ? WHITE : CLEAR;
  });
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '../appPackage');
  writeFileSync(path.join(dir, 'color.png'), colorIcon());
  writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
  console.log(`wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
}
