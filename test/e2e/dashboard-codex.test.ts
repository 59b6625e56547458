// "Configure Codex" in the dashboard, in real Chromium against a real `cursor-relay
// serve` (HOME in a temp dir): the Codex lines are shown, the button writes
// ~/.codex/config.toml next to the user's own settings with a backup, and Undo puts the
// file back exactly as it was.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startFakeCursor } from "../fake-cursor/index.ts";
import { dashboardUrlOf, serve } from "./cli-process.ts";
import { launchChromium } from "../support/chromium.ts";


test("dashboard: Configure Codex writes the provider into config.toml; Undo restores the file", async (t) => {
  const browser = await launchChromium(t);
  const fake = await startFakeCursor();
  const dataDir = mkdtempSync(join(tmpdir(), "cr-dash-data-"));
  const home = mkdtempSync(join(tmpdir(), "cr-dash-home-"));
  const config = join(home, ".codex", "config.toml");
  mkdirSync(join(home, ".codex"));
  const original = '# mine\nmodel = "o3"\n\n[tui]\nnotifications = true\n';
  writeFileSync(config, original);
  const env = { ...process.env, HOME: home, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url };
  const served = await serve(["--port", "0", "--api-key", "sk-dashboard-codex-key"], env, 120_000);
  t.after(async () => {
    await served.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const dashboard = await dashboardUrlOf(served);
  const page = await (await browser.newContext({ viewport: { width: 1180, height: 900 } })).newPage();
  await page.goto(dashboard);

  await page.locator('[data-testid="env-codex-config"]', { hasText: "wire_api" }).waitFor();
  assert.match((await page.getByTestId("env-codex").textContent()) ?? "", /^export CURSOR_RELAY_API_KEY='<relay key>'$/m, "the key stays hidden until revealed");
  const shown = (await page.getByTestId("env-codex-config").textContent()) ?? "";
  assert.ok(shown.includes(`base_url = "${served.url}/v1"`), shown);

  await page.getByTestId("configure-codex").click();
  await page.getByTestId("configure-codex-result").waitFor();
  const written = readFileSync(config, "utf8");
  const provider = ["[model_providers.cursor-relay]", 'name = "Cursor Relay"', `base_url = "${served.url}/v1"`, 'env_key = "CURSOR_RELAY_API_KEY"', 'wire_api = "responses"'];
  assert.equal(written, `model_provider = "cursor-relay"\n${original}\n${provider.join("\n")}\n`);
  assert.match(written, /^# mine\nmodel = "o3"$/m, "the user's settings stay");
  assert.ok(!written.includes("sk-dashboard-codex-key"), "no key in the file: Codex reads it from the environment");
  assert.match((await page.getByTestId("configure-codex-result").textContent()) ?? "", /backup: .*config\.toml\.cursor-relay-backup-/);

  await page.getByTestId("undo-codex").click();
  await page.getByTestId("undo-codex-done").waitFor();
  assert.equal(readFileSync(config, "utf8"), original);
});
