// The dashboard's "Run self-test" in real Chromium against a relay (in-process, real
// sockets) and the fake Cursor playing the doctor scenario with one protocol change in
// it: the button runs the checks inside the relay, every line shows with its mark, the
// drift check fails, and the drift line of the panel then names what Cursor sent.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ensureRendererBuilt } from "../../app/relay/renderer-dir.ts";
import { drift } from "../../app/cursor/drift.ts";
import { DOCTOR_TURN, type Step } from "../fake-cursor/index.ts";
import { startHarness } from "../support/relay-harness.ts";
import { ROOT } from "./cli-process.ts";
import { launchChromium } from "../support/chromium.ts";

const SHOTS = join(ROOT, "test-results", "dashboard");

test("dashboard: Run self-test shows each check and the drift it saw", async (t) => {
  const browser = await launchChromium(t);
  mkdirSync(SHOTS, { recursive: true });
  const uiParent = mkdtempSync(join(tmpdir(), "cr-ui-"));
  t.after(() => rmSync(uiParent, { recursive: true, force: true }));
  const uiDir = ensureRendererBuilt(() => {}, join(uiParent, "renderer"));
  assert.ok(uiDir, "the renderer builds");
  drift.reset();
  const turn: Step[] = [...DOCTOR_TURN.slice(0, 1), { drift: "unknown-frame-kind" }, ...DOCTOR_TURN.slice(1)];
  const h = await startHarness(t, { scenario: { accounts: { "*": [turn] } }, relay: { uiDir } });
  const page = await (await browser.newContext({ viewport: { width: 1180, height: 1000 } })).newPage();
  await page.goto(h.app.dashboardUrl());
  const summary = page.getByTestId("drift-summary");
  await summary.waitFor();
  assert.equal(await summary.getAttribute("data-count"), "0");

  await page.getByTestId("run-self-test").click();
  const result = page.getByTestId("self-test-result");
  await result.waitFor({ timeout: 30_000 });
  assert.equal(await result.getAttribute("data-ok"), "false");
  const lines = await page.getByTestId("self-test-checks").locator("li").allInnerTexts();
  const line = (title: string) => lines.find((l) => l.includes(title)) ?? assert.fail(`no ${title} line in ${lines.join("\n")}`);
  assert.match(line("data folder"), /^✓/);
  assert.match(line("secret store"), /^✓/);
  assert.match(line("self-test Run on"), /^✓.*echo tool round trip ok/);
  assert.match(line("protocol drift"), /^✗.*unknown_frame_kind 990 ×1[\s\S]*Next: update Cursor Relay/);
  await page.locator('[data-testid="drift-summary"][data-count="1"]').waitFor();
  assert.match(await page.getByTestId("drift-list").innerText(), /unknown_frame_kind 990 ×1/);
  await page.screenshot({ path: join(SHOTS, "self-test.png"), fullPage: true });
  const account = (await h.app.control.getSnapshot()).accounts[0]!;
  assert.deepEqual(account.tokensTotal, { input: 0, output: 0, cacheRead: 0 }, "the self-test's tokens stay out of usage");
});
