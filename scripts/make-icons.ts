// Draws Cursor Relay's icons (no downloads, no image library): shapes as distance
// tests, 4×4 supersampling for smooth edges, PNGs encoded by hand (RGBA, filter 0,
// node:zlib). Run: node --import tsx scripts/make-icons.ts  (writes build/).
//
// build/icon.png                      app icon, 1024×1024 (electron-builder makes icns/ico from it)
// build/trayTemplate.png (+@2x)       macOS template tray icon (black + alpha), the healthy look
// build/tray/<state>Template.png      macOS template per tray state (off, healthy, cooling, exhausted)
// build/tray/<state>.png (+@2x)       coloured per state for Windows and Linux
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

export type Rgba = readonly [number, number, number, number];
/** A layer: coverage test in unit coordinates (0..1, y down) and its colour. */
type Layer = { inside: (x: number, y: number) => boolean; color: (x: number, y: number) => Rgba };

export const TRAY_STATES = ["off", "healthy", "cooling", "exhausted"] as const;
export type TrayState = (typeof TRAY_STATES)[number];

// ---- PNG ---------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels (width*height*4, row-major) → PNG bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// ---- drawing -----------------------------------------------------------------------

function render(size: number, layers: Layer[]): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  const S = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          // Painter's algorithm over premultiplied colour.
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const l of layers) {
            if (!l.inside(x, y)) continue;
            const [lr, lg, lb, la] = l.color(x, y);
            const al = la / 255;
            cr = lr * al + cr * (1 - al);
            cg = lg * al + cg * (1 - al);
            cb = lb * al + cb * (1 - al);
            ca = al + ca * (1 - al);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = S * S;
      const i = (py * size + px) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const solid = (c: Rgba) => () => c;
const dist = (x: number, y: number, cx: number, cy: number) => Math.hypot(x - cx, y - cy);
const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => dist(x, y, cx, cy) <= r;
const ring = (cx: number, cy: number, r: number, w: number) => (x: number, y: number) => Math.abs(dist(x, y, cx, cy) - r) <= w / 2;
/** A line segment with round ends. */
function capsule(ax: number, ay: number, bx: number, by: number, w: number) {
  return (x: number, y: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return dist(x, y, ax + t * dx, ay + t * dy) <= w / 2;
  };
}
function roundedSquare(inset: number, radius: number) {
  return (x: number, y: number) => {
    const qx = Math.abs(x - 0.5) - (0.5 - inset - radius);
    const qy = Math.abs(y - 0.5) - (0.5 - inset - radius);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius <= 0;
  };
}

// ---- the icons -----------------------------------------------------------------------

const WHITE: Rgba = [255, 255, 255, 255];

export function appIcon(size: number): Uint8Array {
  const top: Rgba = [99, 102, 241, 255];
  const bottom: Rgba = [67, 56, 202, 255];
  const gradient = (_x: number, y: number): Rgba => [0, 1, 2, 3].map((i) => Math.round((top[i] ?? 0) + ((bottom[i] ?? 0) - (top[i] ?? 0)) * y)) as unknown as Rgba;
  return render(size, [
    { inside: roundedSquare(0.06, 0.2), color: gradient },
    { inside: capsule(0.22, 0.5, 0.33, 0.5, 0.04), color: solid(WHITE) },
    { inside: capsule(0.67, 0.5, 0.78, 0.5, 0.04), color: solid(WHITE) },
    { inside: ring(0.5, 0.5, 0.17, 0.065), color: solid(WHITE) },
    { inside: disc(0.5, 0.5, 0.06), color: solid(WHITE) },
    { inside: disc(0.2, 0.5, 0.06), color: solid(WHITE) },
    { inside: disc(0.8, 0.5, 0.06), color: solid(WHITE) },
  ]);
}

const STATE_COLOR: Record<TrayState, Rgba> = {
  off: [138, 143, 152, 255],
  healthy: [22, 163, 74, 255],
  cooling: [217, 119, 6, 255],
  exhausted: [220, 38, 38, 255],
};

/** One look per state, legible at 16 px even without colour: hollow, dot, half, slash. */
export function trayIcon(size: number, state: TrayState, template: boolean): Uint8Array {
  const base: Rgba = template ? [0, 0, 0, 255] : STATE_COLOR[state];
  const c = solid(state === "off" && template ? [0, 0, 0, 150] : base);
  const layers: Layer[] = [{ inside: ring(0.5, 0.5, 0.34, 0.13), color: c }];
  if (state === "healthy") layers.push({ inside: disc(0.5, 0.5, 0.16), color: c });
  if (state === "cooling") layers.push({ inside: (x, y) => x <= 0.5 && disc(0.5, 0.5, 0.28)(x, y), color: c });
  if (state === "exhausted") layers.push({ inside: capsule(0.3, 0.7, 0.7, 0.3, 0.13), color: c });
  return render(size, layers);
}

/** Every file this script writes, relative to the repo root. */
export function iconFiles(): Map<string, { size: number; pixels: () => Uint8Array }> {
  const files = new Map<string, { size: number; pixels: () => Uint8Array }>();
  files.set("build/icon.png", { size: 1024, pixels: () => appIcon(1024) });
  files.set("build/trayTemplate.png", { size: 16, pixels: () => trayIcon(16, "healthy", true) });
  files.set("build/trayTemplate@2x.png", { size: 32, pixels: () => trayIcon(32, "healthy", true) });
  for (const state of TRAY_STATES) {
    for (const [suffix, size] of [["", 16], ["@2x", 32]] as const) {
      files.set(`build/tray/${state}Template${suffix}.png`, { size, pixels: () => trayIcon(size, state, true) });
      files.set(`build/tray/${state}${suffix}.png`, { size, pixels: () => trayIcon(size, state, false) });
    }
  }
  return files;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  for (const [path, { size, pixels }] of iconFiles()) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, encodePng(size, size, pixels()));
    console.log(`wrote ${path}`);
  }
}
