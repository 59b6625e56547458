// A bad data folder stops every command up front with one plain sentence and exit 2 (no
// "unexpected failure", no login URL printed, no key printed); a folder readable by others
// is tightened when it is ours and warned about once when it is not. Real processes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { RELAY_BIN, run } from "../e2e/cli-process.ts";

const mode = (p: string) => statSync(p).mode & 0o777;
const env = { ...process.env, CURSOR_RELAY_SECRET_STORE: "file", CURSOR_RELAY_DATA_DIR: "" };
const relay = (args: string[], runAs: string[] = []) =>
  runAs.length === 0 ? run(process.execPath, [RELAY_BIN, ...args], { env }) : run(runAs[0]!, [...runAs.slice(1), process.execPath, RELAY_BIN, ...args], { env: { ...env, HOME: tmpdir() } });

function root(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), "cr-ddcheck-"));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

// login points at a port where nothing listens: were it to start, it would print the URL first.
const commands = [["env"], ["accounts"], ["login", "--no-browser", "--cursor-api", "http://127.0.0.1:9"], ["serve", "--port", "0"]];

test("a file as --data-dir, or a folder whose parent is missing or a file: one sentence, exit 2, for every command", async (t) => {
  const r = root(t);
  const file = join(r, "a-file");
  writeFileSync(file, "x");
  const cases: [string, RegExp][] = [
    [file, /the data folder .*a-file is a file, not a folder; choose another --data-dir$/],
    [join(r, "missing", "relay"), /the data folder .*missing\/relay cannot be created: its parent folder .*missing does not exist$/],
    [join(file, "relay"), /the data folder .*a-file\/relay cannot be created: .*a-file is a file, not a folder$/],
    ["/proc/sys", /the data folder \/proc\/sys is not writable \(\w+\); choose another --data-dir or fix its permissions$/],
  ];
  for (const [dir, message] of cases) {
    for (const cmd of commands) {
      const out = await relay([...cmd, "--data-dir", dir]);
      assert.equal(out.status, 2, `${cmd[0]} ${dir}: ${out.stderr}`);
      assert.equal(out.stdout, "", `${cmd[0]} printed nothing (no key, no login URL)`);
      const lines = out.stderr.trim().split("\n");
      assert.equal(lines.length, 1, out.stderr);
      assert.match(lines[0]!, new RegExp(`^cursor-relay ${cmd[0]}: ${message.source}`));
    }
  }
});

const canDropPrivileges = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;

test("a folder this user cannot write to: exit 2 before anything starts", { skip: !canDropPrivileges && "needs root and setpriv to run as another user (root can write anywhere)" }, async (t) => {
  const r = root(t);
  chmodSync(r, 0o755); // the other user may walk to it, not write in it
  const dir = join(r, "not-mine");
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  for (const cmd of commands) {
    const out = await relay([...cmd, "--data-dir", dir], ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    assert.equal(out.status, 2, out.stderr);
    assert.equal(out.stdout, "");
    assert.match(out.stderr, new RegExp(`^cursor-relay ${cmd[0]}: the data folder .* is not writable \\(EACCES\\)`));
  }
});

test("a folder readable by others is tightened to 0700 when it is ours, and only warned about (once) when it is not", async (t) => {
  const r = root(t);
  const ours = join(r, "ours");
  mkdirSync(ours);
  writeFileSync(join(ours, "settings.json"), "{}");
  chmodSync(ours, 0o755);
  const empty = join(r, "empty");
  mkdirSync(empty);
  chmodSync(empty, 0o775);
  const shared = join(r, "shared");
  mkdirSync(shared);
  writeFileSync(join(shared, "notes.txt"), "mine");
  chmodSync(shared, 0o755);

  for (const dir of [ours, empty]) {
    const out = await relay(["accounts", "--data-dir", dir]);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(mode(dir), 0o700);
    assert.doesNotMatch(out.stderr, /warning/);
  }
  const out = await relay(["env", "--data-dir", shared]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(mode(shared), 0o755, "someone else's folder is not changed");
  assert.equal((out.stderr.match(/can be read by other users \(mode 0755\)/g) ?? []).length, 1, out.stderr);
  assert.match(out.stderr, /chmod 700/);
});
