// The committed icons are what scripts/make-icons.ts draws (compared as pixels, so a
// different zlib does not matter), and they are the PNGs electron-builder expects.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { iconFiles, trayIcon, TRAY_STATES } from "../../../scripts/make-icons.ts";

const root = new URL("../../../", import.meta.url).pathname;

/** Decodes the PNGs the script writes (8-bit RGBA, one IDAT run, filter 0). */
function decode(png: Buffer): { width: number; height: number; pixels: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let off = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString("ascii", off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8);
      assert.equal(data[9], 6, "RGBA");
    } else if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 4 + 1)], 0, "filter 0");
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, pixels };
}

test("tray icons on disk are the generator's, at 16 px and @2x", () => {
  const files = iconFiles();
  let checked = 0;
  for (const [path, { size, pixels }] of files) {
    if (path === "build/icon.png") continue; // 1024 px: slow to redraw; checked below
    const png = decode(readFileSync(root + path));
    assert.equal(png.width, size, path);
    assert.equal(png.height, size, path);
    assert.ok(Buffer.from(pixels()).equals(png.pixels), `${path} is stale: run node --import tsx scripts/make-icons.ts`);
    checked++;
  }
  assert.equal(checked, 2 + TRAY_STATES.length * 4);
});

test("template tray icons are black with alpha (macOS tints them); states look different", () => {
  for (const state of TRAY_STATES) {
    const px = trayIcon(32, state, true);
    for (let i = 0; i < px.length; i += 4) assert.deepEqual([px[i], px[i + 1], px[i + 2]], [0, 0, 0], `${state} pixel ${i / 4}`);
  }
  const shapes = TRAY_STATES.map((s) => Buffer.from(trayIcon(16, s, true)).toString("base64"));
  assert.equal(new Set(shapes).size, TRAY_STATES.length);
});

test("the app icon is a 1024 px RGBA PNG: transparent corners, opaque inside", () => {
  const { width, height, pixels } = decode(readFileSync(root + "build/icon.png"));
  assert.equal(width, 1024);
  assert.equal(height, 1024);
  const alpha = (x: number, y: number) => pixels[(y * width + x) * 4 + 3];
  assert.equal(alpha(0, 0), 0);
  assert.equal(alpha(1023, 1023), 0);
  assert.equal(alpha(512, 200), 255);
});
