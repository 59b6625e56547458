// The tray app's main process when it cannot start: the port is taken (another relay
// runs) — the user gets a dialog that says so and the app exits 1, no tray left behind.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeCursor } from "../fake-cursor/index.ts";
import { bootElectronMain, fake } from "../support/electron-boot.ts";

test("tray app: a taken port ends in the start-up error dialog and exit code 1", async (t) => {
  const cursor = await startFakeCursor();
  t.after(() => cursor.close());
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
  t.after(() => taken.close());
  const dataDir = mkdtempSync(join(tmpdir(), "cr-electron-fail-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  Object.assign(process.env, {
    CURSOR_RELAY_DATA_DIR: dataDir,
    CURSOR_RELAY_CURSOR_API: cursor.url,
    CURSOR_RELAY_SECRET_STORE: "file",
    CURSOR_RELAY_PORT: String((taken.address() as { port: number }).port),
    CURSOR_RELAY_API_KEY: "test-key-start-failure",
  });
  await bootElectronMain();
  await fake.app.hasQuit();
  assert.equal(fake.app.exitCode, 1);
  assert.equal(fake.dialog.errors.length, 1);
  assert.equal(fake.dialog.errors[0]!.title, "Cursor Relay could not start");
  assert.match(fake.dialog.errors[0]!.content, /^port \d+ on 127\.0\.0\.1 is already in use \(another relay\?\); choose another with --port or CURSOR_RELAY_PORT/);
  assert.equal(fake.Tray.all.length, 0, "no tray");
});
