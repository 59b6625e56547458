// `cursor-relay env` tells clients the key and address of the relay that really runs on
// the data folder, whatever gave that relay its key (--api-key, CURSOR_RELAY_API_KEY or the
// stored key). Real processes: `serve` and `env` as a user runs them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELAY_BIN, run, serve } from "../../e2e/cli-process.ts";
import { haveKeyring } from "../../support/relay-harness.ts";

const storeKind = haveKeyring ? "keychain" : "file";

async function envKey(env: NodeJS.ProcessEnv): Promise<{ baseUrl: string; key: string; stderr: string }> {
  const r = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { baseUrl: string; claudeCode: string[]; openai: string[] };
  return { baseUrl: json.baseUrl, key: json.claudeCode[1]!.replace("export ANTHROPIC_AUTH_TOKEN=", ""), stderr: r.stderr };
}

for (const via of ["--api-key", "CURSOR_RELAY_API_KEY"] as const) {
  test(`env reports the running relay's key and port when serve got its key from ${via}; the stored key again after it stops`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "cr-env-key-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dir, CURSOR_RELAY_SECRET_STORE: storeKind, CURSOR_RELAY_API_KEY: "" };
    const stored = (await envKey(env)).key;
    assert.match(stored, /^sk-relay-/);

    const explicit = `sk-explicit-${via === "--api-key" ? "flag" : "env"}-0123456789`;
    const served = await serve(["--port", "0", ...(via === "--api-key" ? ["--api-key", explicit] : [])], via === "--api-key" ? env : { ...env, CURSOR_RELAY_API_KEY: explicit });
    let stopped = false;
    t.after(async () => void (stopped || (await served.stop())));
    const runtime = readFileSync(join(dir, "relay.json"), "utf8");
    assert.ok(!runtime.includes(explicit), "relay.json names the entry, it never holds the key");

    // a shell without the key in its environment, and one with a different key in it
    for (const shellKey of ["", "sk-some-other-key-0123456789"]) {
      const got = await envKey({ ...env, CURSOR_RELAY_API_KEY: shellKey });
      assert.equal(got.baseUrl, served.url, "the running relay's port");
      assert.equal(got.key, explicit, "the key the running relay accepts");
      const answer = await fetch(`${served.url}/v1/models`, { headers: { authorization: `Bearer ${got.key}` } });
      assert.equal(answer.status, 200, "and that key really works");
    }

    stopped = true;
    assert.equal(await served.stop(), 0);
    const after = await envKey(env);
    assert.equal(after.key, stored, "with the relay gone, env shows the stored key again");
    assert.match(after.baseUrl, /:8742$/);
  });
}
