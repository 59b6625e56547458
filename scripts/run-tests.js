#!/usr/bin/env node
// Runs every test/**/*.test.ts with Node's test runner (through tsx); arguments are path
// fragments selecting files, and `--repeat N` runs the selection N times in a row.
// Keychain tests need a real Secret Service: when no session bus is up and
// dbus-run-session + gnome-keyring are installed, the run re-executes itself inside a
// private D-Bus session with a fresh, unlocked keyring (a fresh XDG_DATA_HOME, so an old
// login keyring with another password cannot stay locked).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, statSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

if (!process.env.CURSOR_RELAY_TEST_SESSION && has("dbus-run-session") && has("gnome-keyring-daemon")) {
  const xdg = mkdtempSync(join(tmpdir(), "cursor-relay-keyring-"));
  const inner = "echo -n test-keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec node scripts/run-tests.js \"$@\"";
  const r = spawnSync("dbus-run-session", ["--", "sh", "-c", inner, "sh", ...process.argv.slice(2)], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, XDG_DATA_HOME: xdg, CURSOR_RELAY_TEST_SESSION: "keyring" },
  });
  rmSync(xdg, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

// --repeat N: run the selected files N times in a row, stopping at the first failing run.
const args = process.argv.slice(2);
const repeatAt = args.indexOf("--repeat");
let repeat = 1;
if (repeatAt !== -1) {
  repeat = Number(args[repeatAt + 1]);
  if (!Number.isInteger(repeat) || repeat < 1) {
    console.error("--repeat needs a whole number of runs, e.g. --repeat 10");
    process.exit(2);
  }
  args.splice(repeatAt, 2);
}
const filters = args;
const files = findTests(join(root, "test"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
if (!process.env.CURSOR_RELAY_TEST_SESSION) {
  console.log("note: no dbus-run-session/gnome-keyring found; keychain tests will report the keychain as unavailable");
}
for (let run = 1; run <= repeat; run++) {
  if (repeat > 1) console.log(`# run ${run} of ${repeat}`);
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
    { cwd: root, stdio: "inherit", env: { ...process.env, CURSOR_RELAY_TEST_SESSION: process.env.CURSOR_RELAY_TEST_SESSION ?? "none" } },
  );
  if (r.status !== 0) {
    if (repeat > 1) console.error(`run ${run} of ${repeat} failed`);
    process.exit(r.status ?? 1);
  }
  if (repeat > 1 && run === repeat) console.log(`all ${repeat} runs passed`);
}
process.exit(0);
