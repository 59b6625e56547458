// Headless Linux without a Secret Service: the real CLI (bin/cursor-relay.js, real
// keytar) must refuse clearly, write nothing, and work with --secret-store file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAuthServer } from "./auth-server.ts";

const bin = new URL("../../../bin/cursor-relay.js", import.meta.url).pathname;

function run(args: string[], onOut?: (out: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; out: string; err: string }> {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  delete env.CURSOR_RELAY_SECRET_STORE;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      onOut?.(out, child);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

test("no keychain: login refuses with a clear message naming --secret-store file and writes nothing", { skip: process.platform !== "linux" && "Linux only" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-nokeychain-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await run(["login", "--no-browser", "--data-dir", dir, "--cursor-api", "http://127.0.0.1:9"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "", "refused before anything was started");
  assert.match(r.err, /^cursor-relay login: the OS keychain is not available \(keychain probe failed: .+\)\./);
  assert.match(r.err, /--secret-store file/);
  assert.deepEqual(readdirSync(dir), []);
});

test("no keychain, --secret-store file: warns once and goes on with the login", { skip: process.platform !== "linux" && "Linux only" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-nokeychain-file-"));
  const s = await startAuthServer();
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  s.script.pending = 0;
  s.script.sub = "auth0|user_file";
  const r = await run(["login", "--no-browser", "--label", "file", "--data-dir", dir, "--cursor-api", s.url, "--secret-store", "file"]);
  assert.equal(r.code, 0, r.err);
  assert.equal((r.err.match(/warning: secrets are stored in/g) ?? []).length, 1);
  assert.match(r.out, /Logged in: Cursor file \(account id cursor\.file\)/);
  assert.deepEqual(readdirSync(dir).sort(), ["secrets.json", "secrets.key", "settings.json"]);
  const login = s.logins[0]!;
  for (const text of [r.out, r.err]) {
    assert.ok(!text.includes(login.accessToken) && !text.includes(login.refreshToken));
  }
});

test("Ctrl-C during the wait cancels the login: exit 130, nothing stored", { skip: process.platform !== "linux" && "Linux only" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-sigint-"));
  const s = await startAuthServer();
  t.after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });
  s.script.pending = Infinity;
  let sent = false;
  const r = await run(["login", "--no-browser", "--data-dir", dir, "--cursor-api", s.url, "--secret-store", "file"], (out, child) => {
    if (!sent && out.includes("Waiting for Cursor authorization...")) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  assert.equal(r.code, 130);
  assert.match(r.err, /cursor-relay login: cancelled; nothing was stored/);
  assert.ok(!readdirSync(dir).includes("settings.json"));
});
