// The account card in real Chromium tells the truth about an account whose stored
// credentials are gone: "Credentials missing — log in again", not "Cursor signed this
// account out", and no "Sign-in token renews in …" line. A real `serve` process, the
// fake Cursor, the real secret store.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openSecretStore } from "../../app/accounts/secret-store-open.ts";
import { startFakeCursor } from "../fake-cursor/index.ts";
import { dashboardUrlOf, RELAY_BIN, run, serve } from "./cli-process.ts";
import { launchChromium } from "../support/chromium.ts";
import { haveKeyring } from "../support/relay-harness.ts";

const storeKind = haveKeyring ? "keychain" : "file";

test("dashboard: an account whose stored credentials were removed reads 'Credentials missing — log in again'", async (t) => {
  const browser = await launchChromium(t);
  const fake = await startFakeCursor({ scenario: { turns: [[{ text: "hi" }, { turnEnded: true }]], login: { pendingPolls: 0 } } });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-dash-cred-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url, CURSOR_RELAY_SECRET_STORE: storeKind };
  t.after(async () => {
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  for (const label of ["gone", "kept"]) {
    const login = await run(process.execPath, [RELAY_BIN, "login", "--no-browser", "--label", label], { env });
    assert.equal(login.status, 0, login.stderr);
  }
  // Removed behind the relay's back (by hand, another tool, a wiped keyring).
  const secrets = await openSecretStore({ kind: storeKind, dataDir, warn: () => undefined });
  await secrets.delete("cursor.gone");
  t.after(() => secrets.delete("cursor.kept"));

  const served = await serve(["--port", "0", "--api-key", "sk-dash-cred-test-key"], env, 120_000);
  t.after(() => void served.stop());
  // Requests until the relay has tried the account without credentials (it then serves from the other).
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`${served.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-dash-cred-test-key", "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-opus-4-8", max_tokens: 10, messages: [{ role: "user", content: `hello ${i}` }] }),
    });
    assert.equal(r.status, 200, await r.text());
  }

  const page = await browser.newPage();
  const dashboard = await dashboardUrlOf(served);
  await page.goto(dashboard);
  const gone = page.getByTestId("account-card-cursor.gone");
  await gone.waitFor({ timeout: 20_000 });
  assert.equal(await gone.getAttribute("data-state"), "auth_expired");
  const text = (await gone.getByTestId("auth-expired-text").textContent()) ?? "";
  assert.match(text, /^Credentials missing — log in again\./);
  assert.doesNotMatch(text, /signed this account out/);
  assert.doesNotMatch((await gone.textContent()) ?? "", /Sign-in token|renews/);
  const kept = page.getByTestId("account-card-cursor.kept");
  assert.equal(await kept.getAttribute("data-state"), "ready");
  assert.match((await kept.textContent()) ?? "", /Sign-in token.*renews/);
});
