// A second launch of the tray app while one runs: Electron refuses it the single-instance
// lock, and it quits at once — no relay, no tray, no window, no port (the running one is
// told through 'second-instance' and shows its window; electron-main.test.ts checks that).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bootElectronMain, fake } from "../support/electron-boot.ts";

test("tray app: without the single-instance lock the second launch quits before starting anything", async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-electron-second-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  Object.assign(process.env, {
    CURSOR_RELAY_DATA_DIR: dataDir,
    CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9",
    CURSOR_RELAY_SECRET_STORE: "file",
    CURSOR_RELAY_PORT: "0",
    CURSOR_RELAY_API_KEY: "test-key-second-instance",
  });
  fake.app.singleInstanceLock = false;
  await bootElectronMain();
  await fake.app.hasQuit();
  assert.equal(fake.app.exitCode, null, "a plain quit");
  assert.deepEqual(fake.dialog.errors, []);
  assert.equal(fake.Tray.all.length, 0);
  assert.equal(fake.BrowserWindow.all.length, 0);
  assert.equal(fake.app.listenerCount("second-instance"), 0);
  assert.equal(existsSync(join(dataDir, "relay.json")), false);
  assert.deepEqual(readdirSync(dataDir), [], "nothing written to the data folder");
});
