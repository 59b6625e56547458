// npm start and Electron's binary: "downloading it once…" is said only when the installer
// really runs, and a failed download is remembered (per Electron version), so later
// starts go straight to the headless relay instead of trying again every time.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
// @ts-expect-error plain JavaScript module of the start script (no type declarations)
import { downloadElectronOnce, installedElectron } from "../../../bin/electron-download.js";

/** A stand-in electron package whose install.js counts its runs and fails or installs a binary. */
function fakeElectron(t: { after(fn: () => void): void }, version: string, succeed: boolean) {
  const root = mkdtempSync(join(tmpdir(), "cr-electron-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const electronDir = join(root, "node_modules", "electron");
  mkdirSync(electronDir, { recursive: true });
  const counter = join(root, "installs");
  writeFileSync(join(electronDir, "package.json"), JSON.stringify({ version }));
  writeFileSync(
    join(electronDir, "install.js"),
    succeed
      ? `const fs=require("fs"),p=require("path");fs.appendFileSync(${JSON.stringify(counter)},"x");fs.mkdirSync(p.join(__dirname,"dist"),{recursive:true});fs.writeFileSync(p.join(__dirname,"dist","electron"),"");fs.writeFileSync(p.join(__dirname,"path.txt"),"electron");`
      : `require("fs").appendFileSync(${JSON.stringify(counter)},"x");console.error("Error: getaddrinfo ENOTFOUND github.com");process.exit(1);`,
  );
  const failureFile = join(root, "node_modules", ".cache", "cursor-relay", "electron-download-failed.json");
  const installs = () => (existsSync(counter) ? readFileSync(counter, "utf8").length : 0);
  return { root, electronDir, failureFile, installs };
}

test("a failed download is tried once, said once, and remembered until the Electron version changes", (t) => {
  const e = fakeElectron(t, "45.4.1", false);
  const said: string[] = [];
  const first = downloadElectronOnce({ electronDir: e.electronDir, failureFile: e.failureFile, env: {}, log: (m: string) => said.push(m) });
  assert.match(first, /ENOTFOUND github\.com/);
  assert.deepEqual(said, ["Electron's binary is not installed yet: downloading it once…"]);
  assert.equal(e.installs(), 1);

  const second = downloadElectronOnce({ electronDir: e.electronDir, failureFile: e.failureFile, env: {}, log: (m: string) => said.push(m) });
  assert.equal(e.installs(), 1, "not tried again");
  assert.equal(said.length, 1, "and not announced again");
  assert.match(second, /^downloading it failed before \(Error: getaddrinfo ENOTFOUND github\.com\); delete .*electron-download-failed\.json to try again$/);

  writeFileSync(join(e.electronDir, "package.json"), JSON.stringify({ version: "46.0.0" }));
  downloadElectronOnce({ electronDir: e.electronDir, failureFile: e.failureFile, env: {}, log: (m: string) => said.push(m) });
  assert.equal(e.installs(), 2, "a new Electron version gets a new try");
  assert.equal(said.length, 2);
});

test("a download that works installs the binary and forgets an earlier failure; the opt-out never runs the installer", (t) => {
  const e = fakeElectron(t, "45.4.1", true);
  mkdirSync(join(e.failureFile, ".."), { recursive: true });
  writeFileSync(e.failureFile, JSON.stringify({ version: "44.0.0", reason: "old" }));
  assert.equal(downloadElectronOnce({ electronDir: e.electronDir, failureFile: e.failureFile, env: {}, log: () => {} }), null);
  assert.equal(installedElectron(e.electronDir), join(e.electronDir, "dist", "electron"));
  assert.equal(existsSync(e.failureFile), false);

  const off = fakeElectron(t, "45.4.1", true);
  const said: string[] = [];
  const reason = downloadElectronOnce({ electronDir: off.electronDir, failureFile: off.failureFile, env: { CURSOR_RELAY_NO_ELECTRON_DOWNLOAD: "1" }, log: (m: string) => said.push(m) });
  assert.equal(reason, "CURSOR_RELAY_NO_ELECTRON_DOWNLOAD=1");
  assert.deepEqual(said, []);
  assert.equal(off.installs(), 0);
});
