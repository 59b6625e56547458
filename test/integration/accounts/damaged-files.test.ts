// Damaged data files are named, not silently dropped, and handled the same way by every
// command: a malformed settings entry is a warning naming it; a truncated state.json is
// moved aside with a warning by `serve` and by `accounts` alike. Real processes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELAY_BIN, run, serve } from "../../e2e/cli-process.ts";

function folder(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "cr-damaged-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, env: { ...process.env, CURSOR_RELAY_DATA_DIR: dir, CURSOR_RELAY_SECRET_STORE: "file", CURSOR_RELAY_API_KEY: "" } };
}

const good = { label: "ok", sub: "auth0|ok", subHash: null, expiresAt: 0, addedAt: 1, updatedAt: 1 };
const settings = { accounts: { "cursor.x": 5, "cursor.ok": good, "cursor.odd": { ...good, sub: "auth0|odd", label: 7, addedAt: "yesterday" }, nope: good } };

test("every malformed settings entry is named in a warning, by accounts and by serve", async (t) => {
  const { dir, env } = folder(t);
  writeFileSync(join(dir, "settings.json"), JSON.stringify(settings));
  const expected = [
    /settings entry accounts\["cursor\.x"\] is 5, not an object; the account is ignored/,
    /settings entry accounts\["cursor\.odd"\]\.label is 7, not a string; it is ignored/,
    /settings entry accounts\["cursor\.odd"\]\.addedAt is "yesterday", not a number; it is ignored/,
    /settings entry accounts\["nope"\] has an id that is not an account id/,
  ];
  const listed = await run(process.execPath, [RELAY_BIN, "accounts", "--json"], { env });
  assert.equal(listed.status, 0, listed.stderr);
  for (const m of expected) assert.match(listed.stderr, m);
  assert.doesNotMatch(listed.stderr, /cursor\.ok/, "a good entry is not complained about");
  const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id).sort();
  assert.deepEqual(ids, ["cursor.odd", "cursor.ok", "nope"]);

  const served = await serve(["--port", "0"], env);
  t.after(() => void served.stop());
  await served.stop();
  for (const m of expected) assert.match(served.stderr(), m);
});

for (const command of ["accounts", "serve"] as const) {
  test(`a truncated state.json: ${command} moves it aside with a warning and goes on`, async (t) => {
    const { dir, env } = folder(t);
    const truncated = '{"version":1,"accounts":{"cursor.ok":{"requests":3,"tok';
    writeFileSync(join(dir, "state.json"), truncated);
    let stderr: string;
    if (command === "accounts") {
      const r = await run(process.execPath, [RELAY_BIN, "accounts"], { env });
      assert.equal(r.status, 0, r.stderr);
      stderr = r.stderr;
    } else {
      const served = await serve(["--port", "0"], env);
      t.after(() => void served.stop());
      await served.stop();
      stderr = served.stderr();
    }
    assert.match(stderr, /the account state file .*state\.json was damaged; moved it to .*state\.json\.corrupt-\d+ and started with empty usage and no cooldowns/);
    const aside = readdirSync(dir).filter((f) => f.startsWith("state.json.corrupt-"));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(dir, aside[0]!), "utf8"), truncated, "the damaged content is kept for the user");
  });
}
