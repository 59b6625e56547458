import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileSettingsStore, createMemorySettingsStore, escapeKey } from "../../../app/accounts/settings-store.ts";
import { RelayError } from "../../../app/base/errors.ts";

test("file settings store (conf): get/set/delete with dot paths, 0600, re-read on every access", (t) => {
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

test("keys: an escaped dot is part of the segment; prototype keys read nothing and write nothing", () => {
  const m = createMemorySettingsStore();
  m.set(`a.${escapeKey("b.c")}`, 1);
  assert.deepEqual(m.store, { a: { "b.c": 1 } });
  assert.equal(m.get("a.b"), undefined);
  m.set("__proto__.polluted", true);
  m.set("a.constructor.prototype.polluted", true);
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(m.store, { a: { "b.c": 1 } });
  assert.equal(m.get("a.toString"), undefined, "inherited members are not settings");
  assert.equal(m.get("__proto__"), undefined);
});

test("memory settings store has the same semantics and returns copies", () => {
  const m = createMemorySettingsStore();
  m.set("a.b", { c: 1 });
  const v = m.get("a") as { b: { c: number } };
  v.b.c = 2;
  assert.deepEqual(m.get("a"), { b: { c: 1 } });
  m.delete("a.b");
  assert.deepEqual(m.store, { a: {} });
  m.set("x", 1);
  m.set("x", undefined);
  assert.deepEqual(m.store, { a: {} }, "set(key, undefined) removes the key");
  const given = { n: 1 };
  m.set("y", given);
  given.n = 2;
  assert.deepEqual(m.get("y"), { n: 1 }, "the store keeps a copy of what it is given");
});

// Compile-time check: the Electron face can hand electron-store to the conf-backed store.
import type ElectronStore from "electron-store";
import type { SettingsConf } from "../../../app/accounts/settings-store.ts";
type ElectronStoreIsConf = ElectronStore<Record<string, unknown>> extends SettingsConf ? true : false;
test("electron-store is a Conf, as createConfSettingsStore takes it (type-level)", () => {
  const fits: ElectronStoreIsConf = true;
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

test("file store: set(key, undefined) removes; a delete that removes nothing writes nothing", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const s = createFileSettingsStore(dir);
  s.delete("nothing");
  assert.deepEqual(readdirSync(dir), [], "no file for a delete of nothing");
  s.set("a", { b: 1, c: 2 });
  s.set("a.b", undefined);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")), { a: { c: 2 } });
  const before = statSync(join(dir, "settings.json"), { bigint: true }).ino;
  s.delete("a.missing");
  assert.equal(statSync(join(dir, "settings.json"), { bigint: true }).ino, before, "not rewritten");
  assert.deepEqual(readdirSync(dir), ["settings.json"], "no temp file is left in the data folder");
});

test("file store: opening creates nothing; the first write creates the data folder 0700 and the file 0600, 2-space JSON", (t) => {
  const parent = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const dir = join(parent, "data");
  const s = createFileSettingsStore(dir);
  assert.equal(s.get("a"), undefined);
  assert.deepEqual(s.store, {});
  assert.equal(existsSync(dir), false, "reads of a missing file create nothing");
  s.set("a", { b: [1, 2] });
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(join(dir, "settings.json")).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(dir, "settings.json"), "utf8"), '{\n  "a": {\n    "b": [\n      1,\n      2\n    ]\n  }\n}\n');
});

test("file store: a damaged file is a clear error on read and on write, and is never replaced", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "settings.json");
  const broken = '{"accounts": {"cursor.work": {"label": "work",}}}\n';
  writeFileSync(path, broken, { mode: 0o600 });
  const s = createFileSettingsStore(dir);
  const damaged = (e: unknown) =>
    e instanceof RelayError && e.kind === "config" && e.message.startsWith(`settings file ${path} is not valid JSON (`) && e.message.endsWith("; fix or remove it");
  assert.throws(() => s.get("accounts"), damaged);
  assert.throws(() => s.set("accounts", {}), damaged);
  assert.throws(() => s.delete("accounts"), damaged);
  assert.equal(readFileSync(path, "utf8"), broken);
  writeFileSync(path, "[1, 2]\n");
  assert.throws(() => s.store, (e: unknown) => e instanceof RelayError && e.message === `settings file ${path} must hold a JSON object; fix or remove it`);
  writeFileSync(path, '{"accounts": {}}');
  assert.deepEqual(s.get("accounts"), {}, "a fixed file is read again");
});

test("the headless store (Conf) and the Electron face's store (electron-store) read each other's writes", async (t) => {
  // electron-store imports `electron`; outside Electron it needs no more than an empty module.
  register(new URL("../../support/electron-hook.mjs", import.meta.url), { data: { fakeUrl: "data:text/javascript,export default {}" } });
  const { createElectronSettingsStore } = await import("../../../app/electron/settings-store-electron.ts");
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const headless = createFileSettingsStore(dir);
  const electron = createElectronSettingsStore(dir);
  headless.set("accounts", { [`cursor.a`]: { label: "work" } });
  assert.deepEqual(electron.get(`accounts.${escapeKey("cursor.a")}`), { label: "work" });
  electron.set(`accounts.${escapeKey("cursor.a")}.label`, "home");
  electron.set("quota", { pollMinutes: 5 });
  assert.equal(headless.get(`accounts.${escapeKey("cursor.a")}.label`), "home");
  headless.set("quota", undefined);
  assert.deepEqual(electron.store, { accounts: { "cursor.a": { label: "home" } } });
  assert.equal(statSync(join(dir, "settings.json")).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ["settings.json"]);
});

test("conf store: repeated reads parse the file once while it is unchanged, and again after another writer", async (t) => {
  const { default: Conf } = await import("conf");
  const { createConfSettingsStore, SETTINGS_NAME } = await import("../../../app/accounts/settings-store.ts");
  const dir = mkdtempSync(join(tmpdir(), "cr-settings-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "settings.json"), JSON.stringify({ accounts: { a: { label: "work" } } }), { mode: 0o600 });
  let parses = 0;
  const s = createConfSettingsStore(dir, (options) =>
    new Conf<Record<string, unknown>>({ ...options, configName: SETTINGS_NAME, deserialize: (text) => (parses++, options.deserialize!(text)) }),
  );
  for (let i = 0; i < 10; i++) assert.deepEqual(s.get("accounts.a"), { label: "work" });
  const afterReads = parses;
  assert.ok(afterReads <= 2, `conf's own open, then one parse for ten reads (was ${afterReads})`);
  createFileSettingsStore(dir).set("accounts.a.label", "home");
  for (let i = 0; i < 10; i++) assert.equal(s.get("accounts.a.label"), "home");
  assert.equal(parses, afterReads + 1, "one parse after the other writer's change");
});
