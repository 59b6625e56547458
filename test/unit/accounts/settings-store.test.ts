import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileSettingsStore, createMemorySettingsStore, escapeKey, splitKey } from "../../../app/accounts/settings-store.ts";

test("file settings store: electron-store-like get/set/delete with dot paths, 0600, re-read on every access", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = createFileSettingsStore(dir);
  assert.equal(a.get("missing"), undefined);
  assert.deepEqual(a.store, {});
  a.set("accounts", { "cursor.work": { label: "work" } });
  a.set(`accounts.${escapeKey("cursor.b009ca21")}.label`, null);
  assert.deepEqual(a.get("accounts"), { "cursor.work": { label: "work" }, "cursor.b009ca21": { label: null } });
  assert.equal(a.get(`accounts.${escapeKey("cursor.work")}.label`), "work");
  const b = createFileSettingsStore(dir); // a second process sees the change
  b.delete(`accounts.${escapeKey("cursor.work")}`);
  assert.deepEqual(a.get("accounts"), { "cursor.b009ca21": { label: null } });
  const path = join(dir, "settings.json");
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { accounts: { "cursor.b009ca21": { label: null } } });
  a.delete("nothing.here"); // no-op
});

test("dangerous or empty keys are refused", () => {
  assert.deepEqual(splitKey("a\\.b.c"), ["a.b", "c"]);
  assert.throws(() => splitKey("__proto__.x"), /bad key/);
  assert.throws(() => splitKey("a..b"), /bad key/);
});

test("memory settings store has the same semantics and returns copies", () => {
  const m = createMemorySettingsStore();
  m.set("a.b", { c: 1 });
  const v = m.get("a") as { b: { c: number } };
  v.b.c = 2;
  assert.deepEqual(m.get("a"), { b: { c: 1 } });
  m.delete("a.b");
  assert.deepEqual(m.store, { a: {} });
});

// Compile-time check: the Electron shell can pass electron-store where a SettingsStore is expected.
import type ElectronStore from "electron-store";
import type { SettingsStore } from "../../../app/accounts/settings-store.ts";
type ElectronStoreFits = ElectronStore<Record<string, unknown>> extends SettingsStore ? true : false;
test("electron-store satisfies the SettingsStore interface (type-level)", () => {
  const fits: ElectronStoreFits = true;
  assert.equal(fits, true);
});

test("file store: changes by another process are seen (atomic rename and in-place edit of the same size)", async (t) => {
  const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { createFileSettingsStore } = await import("../../../app/accounts/settings-store.ts");
  const { writeJsonAtomic } = await import("../../../app/base/json-file.ts");
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mine = createFileSettingsStore(dir);
  mine.set("a", { n: 1 });
  assert.deepEqual(mine.get("a"), { n: 1 });
  writeJsonAtomic(join(dir, "settings.json"), { a: { n: 2 } });
  assert.deepEqual(mine.get("a"), { n: 2 }, "another writer's atomic rename");
  writeFileSync(join(dir, "settings.json"), JSON.stringify({ a: { n: 3 } }, null, 2) + "\n");
  assert.deepEqual(mine.get("a"), { n: 3 }, "an in-place edit of the same size");
  const got = mine.get("a") as { n: number };
  got.n = 99;
  assert.deepEqual(mine.get("a"), { n: 3 }, "a caller cannot change the cached content");
  rmSync(join(dir, "settings.json"));
  assert.equal(mine.get("a"), undefined);
});
