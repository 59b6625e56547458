// A dashboard build older than its sources is stale (rebuilt by `serve`), a fresh one is
// not, and an installed app (no sources next to the build) never counts as stale.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newestSourceMtime, rendererBuildIsStale } from "../../../app/relay/renderer-dir.ts";

function checkout(t: { after(fn: () => void): void }): { root: string; build: string; touch(path: string, seconds: number): void } {
  const root = mkdtempSync(join(tmpdir(), "renderer-dir-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const touch = (path: string, seconds: number) => {
    const p = join(root, path);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, "x");
    utimesSync(p, seconds, seconds);
  };
  return { root, build: join(root, "dist", "renderer"), touch };
}

test("a build older than a renderer source or a control type it imports is stale; a newer one is not", (t) => {
  const c = checkout(t);
  c.touch("renderer/src/App.tsx", 1_000);
  c.touch("app/base/control-api.ts", 1_000);
  c.touch("dist/renderer/index.html", 2_000);
  assert.equal(newestSourceMtime(c.root), 1_000_000);
  assert.equal(rendererBuildIsStale(c.build, c.root), false);
  c.touch("renderer/src/components/AccountCard.tsx", 3_000);
  assert.equal(rendererBuildIsStale(c.build, c.root), true);
  c.touch("dist/renderer/index.html", 4_000);
  assert.equal(rendererBuildIsStale(c.build, c.root), false);
  c.touch("app/base/control-contract.ts", 5_000);
  assert.equal(rendererBuildIsStale(c.build, c.root), true);
});

test("no build, or a build with no sources beside it (an installed app), is not stale", (t) => {
  const c = checkout(t);
  assert.equal(rendererBuildIsStale(c.build, c.root), false);
  c.touch("dist/renderer/index.html", 2_000);
  assert.equal(newestSourceMtime(c.root), 0);
  assert.equal(rendererBuildIsStale(c.build, c.root), false);
});
