// The tray app's main process with a bad setting in its environment: the start-up error
// dialog names the variable (no crash while loading), and the app exits 1.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bootElectronMain, fake } from "../support/electron-boot.ts";

test("tray app: a bad CURSOR_RELAY_PORT ends in the start-up error dialog naming it", async () => {
  process.env.CURSOR_RELAY_PORT = "8742x";
  await bootElectronMain();
  await fake.app.hasQuit();
  assert.equal(fake.app.exitCode, 1);
  assert.deepEqual(fake.dialog.errors, [{ title: "Cursor Relay could not start", content: 'CURSOR_RELAY_PORT: not a port number: "8742x"' }]);
  assert.equal(fake.Tray.all.length, 0, "no tray");
});
