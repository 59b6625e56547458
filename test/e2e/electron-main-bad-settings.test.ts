// The tray app's main process with a settings.json that is not JSON (a bad hand edit):
// the start-up dialog names the file, the app exits 1, and the file is left as it was
// (electron-store must not clear it: it lists the user's accounts).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bootElectronMain, fake } from "../support/electron-boot.ts";

test("tray app: a settings.json that is not JSON ends in the start-up dialog naming it, and stays as it was", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-electron-settings-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const broken = '{"accounts": {"cursor.work": {"label": "work",}}}\n';
  writeFileSync(join(dataDir, "settings.json"), broken, { mode: 0o600 });
  Object.assign(process.env, {
    CURSOR_RELAY_DATA_DIR: dataDir,
    CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9",
    CURSOR_RELAY_SECRET_STORE: "file",
    CURSOR_RELAY_PORT: "0",
    CURSOR_RELAY_API_KEY: "test-key-bad-settings",
  });
  await bootElectronMain();
  await fake.app.hasQuit();
  assert.equal(fake.app.exitCode, 1);
  assert.equal(fake.dialog.errors.length, 1, JSON.stringify(fake.dialog.errors));
  assert.equal(fake.dialog.errors[0]!.title, "Cursor Relay could not start");
  assert.match(fake.dialog.errors[0]!.content, new RegExp(`settings file ${join(dataDir, "settings.json")} .*fix or remove it`));
  assert.equal(readFileSync(join(dataDir, "settings.json"), "utf8"), broken);
});
