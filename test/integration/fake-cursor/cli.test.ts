// The CLI: prints its one line with the real port, serves, exits cleanly on SIGTERM;
// bad flags give a clear error and the usage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

const root = new URL("../../../", import.meta.url).pathname;
const main = "test/fake-cursor/main.ts";

test("`fake-cursor --port 0 --scenario <file>` prints its line, serves, and exits 0 on SIGTERM", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", main, "--port", "0", "--scenario", "test/fake-cursor/scenarios/tool-bash.json"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => child.kill("SIGKILL"));
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, "line")) as [string];
  const m = /^fake-cursor listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
  assert.ok(m, line);
  assert.notEqual(Number(m[2]), 0);
  const res = await fetch(`${m[1]}/auth/poll?uuid=cli&verifier=v`);
  assert.equal(res.status, 404);
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
});

test("bad flags and scenarios: exit 2 with the reason and the usage", () => {
  const cases: [string[], RegExp][] = [
    [["--port", "abc"], /--port needs a whole number/],
    [["--port", "70000"], /--port must be between 0 and 65535/],
    [["--scenario", "no-such-scenario"], /not a built-in \(text, tool-bash, exhausted-first, exhausted-after-text, doctor\) and no such file/],
    [["--bogus"], /unknown option --bogus/],
    [["--scenario", "package.json"], /--scenario package.json: scenario: unknown key/],
  ];
  for (const [args, re] of cases) {
    const r = spawnSync(process.execPath, ["--import", "tsx", main, ...args], { cwd: root, encoding: "utf8", timeout: 15_000 });
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.match(r.stderr, /usage: npm run fake-cursor --/);
    assert.equal(r.stdout, "");
  }
});
