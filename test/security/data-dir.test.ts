// The data dir: created 0700 (with any missing parents), every file in it 0600, and every
// write atomic — a reader in another process, reading the files as fast as it can while
// the relay keeps rewriting them, never sees a partial or empty JSON file, and no
// temporary file is left behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { writeFileAtomic } from "../../app/base/json-file.ts";
import type { Scenario } from "../fake-cursor/index.ts";
import { createFuzzClient } from "../fuzz/support/http-client.ts";
import { startHarness } from "../support/relay-harness.ts";

const mode = (p: string) => statSync(p).mode & 0o777;

function walk(dir: string): { path: string; dir: boolean }[] {
  const out: { path: string; dir: boolean }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const isDir = statSync(p).isDirectory();
    out.push({ path: p, dir: isDir });
    if (isDir) out.push(...walk(p));
  }
  return out;
}

// Runs in a child process: reads every .json file of the dir in a loop until told to stop
// (stdin closes), then prints what it saw.
const READER = `
const fs = require("node:fs"), path = require("node:path");
const dir = process.argv[1];
let reads = 0, bad = [], stop = false;
process.stdin.on("end", () => (stop = true)); process.stdin.resume();
(function loop() {
  for (let i = 0; i < 50; i++) {
    for (const name of fs.readdirSync(dir)) {
      if (!name.endsWith(".json")) continue;
      let text;
      try { text = fs.readFileSync(path.join(dir, name), "utf8"); } catch (e) { if (e.code === "ENOENT") continue; throw e; }
      reads++;
      try { JSON.parse(text); } catch { bad.push(name + ": " + JSON.stringify(text.slice(0, 60))); }
    }
  }
  if (stop) { process.stdout.write(JSON.stringify({ reads, bad: bad.slice(0, 10), badCount: bad.length })); return; }
  setImmediate(loop);
})();
`;

test("a fresh data dir is created 0700 (parents too) and every file the relay writes in it is 0600", async (t) => {
  const root = mkdtempSync(join(tmpdir(), "cr-datadir-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, "nested", "cursor-relay");
  const h = await startHarness(t, { accounts: ["alpha", "beta"], relay: { dataDir } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  // A turn (usage), a failure (cooldown state), a rename (settings).
  await client.send({
    method: "POST",
    path: "/v1/messages",
    headers: { "x-api-key": h.key, "content-type": "application/json" },
    body: Buffer.from(JSON.stringify({ model: "claude-opus-4-8", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })),
  });
  await h.app.control.renameAccount(h.accountIds[0]!, "renamed");
  await h.app.stop(); // flushes usage and state
  assert.equal(mode(join(root, "nested")), 0o700);
  assert.equal(mode(dataDir), 0o700);
  const entries = walk(dataDir);
  assert.ok(entries.some((e) => e.path.endsWith("settings.json")) && entries.some((e) => e.path.endsWith("state.json")), entries.map((e) => e.path).join(", "));
  for (const e of entries) assert.equal(mode(e.path), e.dir ? 0o700 : 0o600, `${e.path} is ${mode(e.path).toString(8)}`);
  assert.deepEqual(entries.filter((e) => /\.tmp(-\w+)?$/.test(e.path)), [], "no temporary file is left");
});

test("writes are atomic: a reader in another process never sees a partial data-dir file while the relay rewrites them, and no temp file remains", async (t) => {
  const scenario = { turns: [{ prologue: false, steps: [{ text: "ok" }, { tokens: 1 }, { turnEnded: true }] }] } as Scenario;
  const h = await startHarness(t, { accounts: ["alpha", "beta"], scenario });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const reader = spawn(process.execPath, ["-e", READER, h.dataDir], { stdio: ["pipe", "pipe", "inherit"] });
  let report = "";
  reader.stdout.on("data", (d: Buffer) => (report += d.toString()));
  const done = new Promise<void>((r) => reader.once("close", () => r()));

  // Until enough rewrites happened (not for a fixed time: a loaded machine does fewer per second).
  const enough = 30;
  let writes = 0;
  // Long labels make each settings.json rewrite bigger, so a torn write would show.
  const label = (i: number) => `label ${i} ${"x".repeat(40)}`;
  while (writes < enough) {
    await Promise.all([
      h.app.control.renameAccount(h.accountIds[0]!, label(writes)),
      h.app.control.renameAccount(h.accountIds[1]!, label(writes + 1)),
      h.app.control.resetCooldown(h.accountIds[0]!),
      client.send({
        method: "POST",
        path: "/v1/chat/completions",
        headers: { authorization: `Bearer ${h.key}`, "content-type": "application/json" },
        body: Buffer.from(JSON.stringify({ model: "claude-opus-4-8", messages: [{ role: "user", content: `turn ${writes}` }] })),
      }),
    ]);
    writes += 2;
  }
  reader.stdin.end();
  await done;
  const seen = JSON.parse(report) as { reads: number; bad: string[]; badCount: number };
  t.diagnostic(`${writes} settings rewrites (plus usage and state) while another process read the data-dir files ${seen.reads} times: ${seen.badCount} partial reads`);
  assert.ok(seen.reads > 1000 && writes > 20, `reads ${seen.reads}, writes ${writes}`);
  assert.deepEqual(seen.bad, []);
  await h.app.stop();
  assert.deepEqual(
    walk(h.dataDir).filter((e) => /\.tmp(-\w+)?$/.test(e.path)).map((e) => e.path),
    [],
    "no temporary file is left",
  );
});

test("a write that cannot complete leaves the old file and no temp file behind", () => {
  const dir = mkdtempSync(join(tmpdir(), "cr-atomic-"));
  try {
    const target = join(dir, "state.json");
    writeFileAtomic(target, '{"v":1}');
    // The target turning into a directory makes the rename fail after the temp file was written.
    const blocked = join(dir, "blocked.json");
    mkdirSync(blocked);
    assert.throws(() => writeFileAtomic(blocked, '{"v":2}'));
    assert.deepEqual(readdirSync(dir).sort(), ["blocked.json", "state.json"], "the temp file was removed");
    assert.equal(mode(target), 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
