// The set-up lines for every client in the dashboard, in real Chromium against a real
// `cursor-relay serve`: each block (Claude Code, OpenAI SDKs, Codex CLI and its
// config.toml, Gemini CLI and its settings.json) is shown with the key hidden, and its
// copy button puts exactly the lines `cursor-relay env --json` prints, with the real key,
// on the clipboard. The relay key row shows, hides and regenerates the key.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { SetupBlock } from "../../app/base/control-api.ts";
import { startFakeCursor } from "../fake-cursor/index.ts";
import { dashboardUrlOf, RELAY_BIN, run, serve } from "./cli-process.ts";
import { launchChromium } from "../support/chromium.ts";

const KEY = "sk-dashboard-setup-key";

test("dashboard: every client's set-up lines are shown, and each copy button copies that block with the real key", async (t) => {
  const browser = await launchChromium(t);
  const fake = await startFakeCursor();
  const dataDir = mkdtempSync(join(tmpdir(), "cr-dash-data-"));
  const home = mkdtempSync(join(tmpdir(), "cr-dash-home-"));
  const env = { ...process.env, HOME: home, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url };
  const served = await serve(["--port", "0", "--api-key", KEY], env, 120_000);
  t.after(async () => {
    await served.stop();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  const cli = await run(process.execPath, [RELAY_BIN, "env", "--json"], { env });
  assert.equal(cli.status, 0, cli.stderr);
  const blocks = (JSON.parse(cli.stdout) as { blocks: SetupBlock[] }).blocks;
  assert.deepEqual(
    blocks.map((b) => b.id),
    ["claude-code", "openai", "codex", "codex-config", "gemini-cli", "gemini-settings"],
  );
  const gemini = blocks.find((b) => b.id === "gemini-cli")!;
  assert.deepEqual(gemini.lines, [`export GOOGLE_GEMINI_BASE_URL=${served.url}`, `export GEMINI_API_KEY=${KEY}`]);

  const dashboard = await dashboardUrlOf(served);
  const context = await browser.newContext({ viewport: { width: 1180, height: 900 }, permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await page.goto(dashboard);
  await page.getByTestId("env-gemini-settings").waitFor();

  for (const b of blocks) {
    const hidden = b.lines.join("\n").replaceAll(KEY, "'<relay key>'");
    assert.equal(await page.getByTestId(`env-${b.id}`).textContent(), hidden, `${b.id}: shown with the key hidden`);
    assert.equal(await page.locator(`#env-${b.id}-title`).textContent(), b.title);
    await page.getByTestId(`copy-env-${b.id}`).click();
    await page.locator(`[data-testid="copy-env-${b.id}"]`, { hasText: "Copied" }).waitFor();
    const copied = await page.evaluate<string>("navigator.clipboard.readText()");
    assert.equal(copied, b.lines.join("\n"), `${b.id}: the copy holds the lines with the real key`);
  }
  const copiedSettings = blocks.find((b) => b.id === "gemini-settings")!.lines.join("\n");
  assert.deepEqual(JSON.parse(copiedSettings), { security: { auth: { selectedType: "gemini-api-key" } } }, "the settings block is a valid settings.json");

  // The relay key: hidden until Show; Regenerate asks first; the lines and the relay follow the new key.
  const keyBox = page.getByTestId("relay-key");
  assert.equal(await keyBox.textContent(), "•".repeat(24));
  await page.getByTestId("relay-key-reveal").click();
  await page.locator('[data-testid="relay-key"][data-revealed="true"]').waitFor();
  assert.equal(await keyBox.textContent(), KEY);
  await page.locator('[data-testid="env-gemini-cli"]', { hasText: `GEMINI_API_KEY=${KEY}` }).waitFor();
  await page.getByTestId("relay-key-regenerate").click();
  await page.getByTestId("relay-key-regenerate-confirm").waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("relay-key-regenerate").waitFor();
  assert.equal(await keyBox.textContent(), KEY, "Escape leaves the key as it was");
  await page.getByTestId("relay-key-regenerate").click();
  await page.getByTestId("relay-key-regenerate-confirm").click();
  await page.locator('[data-testid="relay-key"][data-revealed="true"]', { hasNotText: KEY }).waitFor();
  const fresh = (await keyBox.textContent()) ?? "";
  assert.match(fresh, /^\S{16,}$/, "a new key, still shown");
  await page.locator('[data-testid="env-gemini-cli"]', { hasText: `GEMINI_API_KEY=${fresh}` }).waitFor();
  const countTokens = (key: string) =>
    fetch(`${served.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-4.5-sonnet", messages: [{ role: "user", content: "hi" }] }),
    });
  assert.equal((await countTokens(fresh)).status, 200, "the new key is the relay's key");
  assert.equal((await countTokens(KEY)).status, 401, "the old key is refused");
  await page.getByTestId("relay-key-reveal").click();
  await page.locator('[data-testid="relay-key"][data-revealed="false"]').waitFor();
  await page.locator('[data-testid="env-gemini-cli"]', { hasText: "GEMINI_API_KEY='<relay key>'" }).waitFor();
});
