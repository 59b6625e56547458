// Builds the renderer with the project's vite config into a temp folder and checks
// what ships: gzipped JS under 250 KB, no inline script, relative asset URLs (works
// under /ui/ and from file://), the CSP meta tag.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const root = new URL("../../..", import.meta.url).pathname;
const LIMIT = 250 * 1024;

test("the renderer builds, and its gzipped JS stays under 250 KB", (t) => {
  const out = mkdtempSync(join(tmpdir(), "cr-renderer-"));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--outDir", out, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(r.status, 0, `vite build failed:\n${r.stdout}\n${r.stderr}`);

  const assets = readdirSync(join(out, "assets"));
  const js = assets.filter((f) => f.endsWith(".js"));
  assert.ok(js.length > 0, "some JavaScript was built");
  const gzipped = js.reduce((n, f) => n + gzipSync(readFileSync(join(out, "assets", f)), { level: 9 }).length, 0);
  t.diagnostic(`gzipped JS: ${(gzipped / 1024).toFixed(1)} KB in ${js.length} file(s)`);
  assert.ok(gzipped < LIMIT, `gzipped JS is ${gzipped} bytes (limit ${LIMIT})`);

  const html = readFileSync(join(out, "index.html"), "utf8");
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.ok(scripts.length > 0);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs ?? "", /\bsrc="\.\/assets\/[^"]+\.js"/, "scripts load from relative URLs");
    assert.equal((body ?? "").trim(), "", "no inline script");
  }
  assert.doesNotMatch(html, /(src|href)="\/(?!\/)/, "no root-absolute URLs (they would break under /ui/ and file://)");
  assert.match(html, /http-equiv="Content-Security-Policy"/);
  assert.match(html, /script-src &#39;self&#39;|script-src 'self'/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
});
