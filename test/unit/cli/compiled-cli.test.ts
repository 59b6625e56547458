import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
// @ts-expect-error plain JS module of the bin (no types)
import { compiledCliIfFresh } from "../../../bin/compiled-cli.js";

const pick = compiledCliIfFresh as (root: string, env?: NodeJS.ProcessEnv) => string | null;

test("the compiled CLI runs only while it is newer than every source; sources can be forced", (t) => {
  const root = mkdtempSync(join(tmpdir(), "cr-bin-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, "app", "core"), { recursive: true });
  mkdirSync(join(root, "proto", "gen"), { recursive: true });
  mkdirSync(join(root, "dist", "cli"), { recursive: true });
  const src = join(root, "app", "core", "x.ts");
  const gen = join(root, "proto", "gen", "y.ts");
  const out = join(root, "dist", "cli", "main.mjs");
  writeFileSync(src, "");
  writeFileSync(gen, "");
  assert.equal(pick(root, {}), null, "not built");
  writeFileSync(out, "");
  const at = (p: string, s: number) => utimesSync(p, s, s);
  at(src, 1000);
  at(gen, 1000);
  at(out, 2000);
  assert.equal(pick(root, {}), out);
  assert.equal(pick(root, { CURSOR_RELAY_FROM_SOURCE: "1" }), null);
  at(src, 3000);
  assert.equal(pick(root, {}), null, "an edited source makes the build stale");
  at(src, 1000);
  at(gen, 3000);
  assert.equal(pick(root, {}), null, "so does regenerated protobuf code");
});
