import { test } from "node:test";
import assert from "node:assert/strict";
import { main } from "../../../app/cli/main.ts";
import { accountsCommand } from "../../../app/cli/accounts.ts";
import { doctorCommand } from "../../../app/cli/doctor.ts";
import { envCommand } from "../../../app/cli/env.ts";
import { loginCommand } from "../../../app/cli/login.ts";
import { modelsCommand } from "../../../app/cli/models.ts";
import { serveCommand } from "../../../app/cli/serve.ts";
import { noPositionals, parseCommandArgs, portOption, UsageError, DEFAULT_CURSOR_API } from "../../../app/cli/options.ts";

function capture(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env }, out, err };
}

test("flags win over environment variables, which win over defaults", () => {
  const env = { CURSOR_RELAY_DATA_DIR: "/env/dir", CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9/", CURSOR_RELAY_SECRET_STORE: "file" };
  const fromEnv = parseCommandArgs([], {}, "u", env).global;
  assert.deepEqual(fromEnv, { dataDir: "/env/dir", cursorApi: "http://127.0.0.1:9", secretStore: "file" });
  const fromFlags = parseCommandArgs(["--data-dir", "/flag", "--secret-store", "keychain"], {}, "u", env).global;
  assert.equal(fromFlags.dataDir, "/flag");
  assert.equal(fromFlags.secretStore, "keychain");
  const defaults = parseCommandArgs([], {}, "u", { XDG_CONFIG_HOME: "/xdg" }).global;
  assert.equal(defaults.cursorApi, DEFAULT_CURSOR_API);
  assert.equal(defaults.secretStore, "keychain");
  if (process.platform === "linux") assert.equal(defaults.dataDir, "/xdg/cursor-relay");
});

test("unknown flags and bad values are usage errors", () => {
  assert.throws(() => parseCommandArgs(["--nope"], {}, "u", {}), UsageError);
  assert.throws(() => parseCommandArgs(["--secret-store", "vault"], {}, "u", {}), /keychain" or "file/);
  assert.throws(() => parseCommandArgs(["--cursor-api", "not a url"], {}, "u", {}), /not a URL/);
  assert.throws(() => parseCommandArgs(["--cursor-api", "ftp://x"], {}, "u", {}), /http\(s\)/);
});

test("main prints the usage line with the error and exits 2", async () => {
  const c = capture();
  assert.equal(await main(["accounts", "--bogus"], c.io), 2);
  assert.match(c.err.join("\n"), /Unknown option '--bogus'[\s\S]*usage: cursor-relay accounts/);
  const d = capture();
  assert.equal(await main(["frobnicate"], d.io), 2);
  assert.match(d.err.join("\n"), /unknown command "frobnicate"[\s\S]*usage: cursor-relay <command>/);
  const h = capture();
  assert.equal(await main(["--help"], h.io), 0);
  for (const cmd of ["serve", "login", "accounts", "env"]) assert.match(h.out.join("\n"), new RegExp(`\\n  ${cmd} `));
});

test("--port: the flag, else CURSOR_RELAY_PORT, else the default, kept as written; anything but 0-65535 is a usage error", () => {
  assert.equal(portOption("8080", { CURSOR_RELAY_PORT: "9000" }, 3000, "u"), "8080");
  assert.equal(portOption(undefined, { CURSOR_RELAY_PORT: "9000" }, 3000, "u"), "9000");
  assert.equal(portOption(undefined, {}, 3000, "u"), "3000");
  assert.equal(portOption("0", {}, 3000, "u"), "0");
  for (const bad of ["65536", "-1", "80a", "", "123456"]) {
    assert.throws(() => portOption(bad, {}, 3000, "u"), (e: unknown) => e instanceof UsageError && /--port: not a port number/.test(e.message), bad);
  }
});

test("a command without positional arguments names the first stray one as a usage error", () => {
  noPositionals([], "u");
  assert.throws(() => noPositionals(["extra", "more"], "u"), (e: unknown) => e instanceof UsageError && e.message.includes('unexpected argument "extra"'));
});

test("every command's --help prints its own usage and exits 0 before anything else, and a stray argument is a usage error", async () => {
  const commands = { serve: serveCommand, login: loginCommand, env: envCommand, doctor: doctorCommand, models: modelsCommand, accounts: accountsCommand };
  for (const [name, command] of Object.entries(commands)) {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => assert.fail(`${name} wrote to stderr: ${l}`), env: { CURSOR_RELAY_DATA_DIR: "/nonexistent/never-created" } };
    assert.equal(await command(["--help"], io), 0, name);
    assert.equal(out.length, 1, name);
    assert.match(out[0]!, new RegExp(`cursor-relay ${name}`), name);
  }
  const silent = { out: () => {}, err: () => {}, env: {} };
  for (const command of [serveCommand, loginCommand, envCommand, doctorCommand]) {
    await assert.rejects(() => command(["stray"], silent), (e: unknown) => e instanceof UsageError && e.message.includes('unexpected argument "stray"'));
  }
});
