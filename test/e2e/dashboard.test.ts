// The dashboard in real Chromium (Debian's, driven by playwright-core) against a real
// `cursor-relay serve` process and the fake Cursor, over real sockets: add an account
// through the fake browser login, watch a streamed request's tokens and live session,
// see an out-of-quota account cool down and reset it, switch the proxy off and on.
// Screenshots of each state go to test-results/dashboard/.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import type { Page } from "playwright-core";
import { startFakeCursor, type Step } from "../fake-cursor/index.ts";
import { dashboardUrlOf, RELAY_BIN, ROOT, run, serve } from "./cli-process.ts";
import { launchChromium } from "../support/chromium.ts";

const SHOTS = join(ROOT, "test-results", "dashboard");

// A reply slow enough to watch: 12 deltas, 150 ms apart, 3 tokens each.
const SLOW_TURN: Step[] = [
  { thinking: "Let me think about that." },
  ...Array.from({ length: 12 }, (_, i): Step[] => [{ text: `part ${i + 1}. ` }, { tokens: 3 }, { sleepMs: 150 }]).flat(),
  { checkpoint: true },
  { turnEnded: true },
];
const EXHAUSTED: Step[] = [{ fail: "resource_exhausted", message: "You have reached your usage limit (fake Cursor)." }];

test("dashboard: add an account, watch tokens and sessions, cooldown and reset, proxy off and on", async (t) => {
  const browser = await launchChromium(t);
  mkdirSync(SHOTS, { recursive: true });
  const fake = await startFakeCursor({ scenario: { turns: [SLOW_TURN], login: { pendingPolls: 1 } } });
  const dataDir = mkdtempSync(join(tmpdir(), "cr-dash-data-"));
  const env = { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: fake.url };
  const served = await serve(["--port", "0", "--api-key", "sk-dashboard-test-key"], env, 120_000);
  t.after(async () => {
    await served.stop();
    await run(process.execPath, [RELAY_BIN, "accounts", "remove", "cursor.dash"], { env }).catch(() => undefined);
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const dashboard = await dashboardUrlOf(served);
  assert.match(dashboard, /\/ui\/#key=/);

  const context = await browser.newContext({ viewport: { width: 1180, height: 900 } });
  const page = await context.newPage();
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  await page.goto(dashboard);
  await page.getByTestId("accounts-empty").waitFor();
  assert.doesNotMatch(page.url(), /key=/, "the key left the address bar");
  assert.equal(await page.getByTestId("relay-key").getAttribute("data-revealed"), "false");
  await shot("01-empty");

  // Add an account: the dashboard opens the (fake) Cursor login page; the relay polls until it completes.
  await page.getByTestId("add-account").click();
  await page.getByTestId("add-account-label").fill("dash");
  const popup = page.waitForEvent("popup");
  await page.getByTestId("add-account-start").click();
  const loginPage = await popup;
  // The tab opens blank inside the click, then goes to the login URL the relay returned.
  await loginPage.waitForURL(/\/loginDeepControl\?challenge=/);
  assert.match(await loginPage.textContent("body") ?? "", /logged in to fake Cursor/i);
  await page.getByTestId("login-waiting").waitFor();
  await shot("02-waiting-for-login");
  const card = page.getByTestId("account-card-cursor.dash");
  await card.waitFor({ timeout: 20_000 });
  assert.equal(await card.getByTestId("account-label").textContent(), "Cursor dash");
  assert.equal(await card.getByTestId("account-state").getAttribute("data-state"), "ready");
  await loginPage.close();
  await shot("03-account-added");

  // A streamed request: the live session appears while it streams and the output counter rises.
  const client = new Anthropic({ baseURL: served.url, apiKey: "sk-dashboard-test-key", maxRetries: 0 });
  const streamed = client.messages.stream({ model: "claude-opus-4-8", max_tokens: 500, messages: [{ role: "user", content: "count" }] }).finalMessage();
  const outputToday = card.getByTestId("tokens-today-output");
  await card.locator('[data-testid="session-row"][data-state="streaming"]').waitFor({ timeout: 10_000 });
  assert.equal(
    await card.locator('[data-testid="session-row"][data-state="streaming"] [data-testid="session-model"]').textContent(),
    "claude-opus-4-8 → claude-4.5-sonnet",
    "the live session shows the Cursor model the client's name was mapped to",
  );
  await waitForValue(page, outputToday, (v) => v > 0 && v < 36);
  await shot("04-streaming");
  const final = await streamed;
  assert.equal(final.usage.output_tokens, 36);
  await waitForValue(page, outputToday, (v) => v === 36);
  await card.locator('[data-testid="session-row"][data-state="idle"]').waitFor();
  assert.equal(await card.locator('[data-testid="session-row"][data-state="streaming"]').count(), 0, "the session ended");
  await shot("05-after-stream");

  // Out of quota: the card goes to cooling with a countdown that ticks.
  fake.setScenario({ turns: [EXHAUSTED] });
  const refused = await client.messages.create({ model: "claude-opus-4-8", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
  assert.ok(refused instanceof Anthropic.RateLimitError, String(refused));
  await card.locator('[data-testid="account-state"][data-state="cooling"]').waitFor();
  const countdown = card.getByTestId("cooldown-countdown");
  const before = await countdown.textContent();
  await page.waitForTimeout(1100);
  assert.notEqual(await countdown.textContent(), before, "the countdown ticks every second");
  await shot("06-cooling");

  // Reset: ready at once, and requests are served again.
  fake.setScenario({ turns: [SLOW_TURN] });
  await card.getByTestId("reset-cooldown").click();
  await card.locator('[data-testid="account-state"][data-state="ready"]').waitFor();
  await shot("07-reset");

  // Proxy off: requests refused; on again: served.
  const proxySwitch = page.getByTestId("proxy-switch");
  await proxySwitch.click();
  await page.locator('[data-testid="proxy-switch"][aria-checked="false"]').waitFor();
  const off = await client.messages.create({ model: "claude-opus-4-8", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
  assert.ok(off instanceof Anthropic.APIError && off.status === 503, String(off));
  assert.match(String((off as Error).message), /switched off/);
  await shot("08-proxy-off");
  await proxySwitch.click();
  await page.locator('[data-testid="proxy-switch"][aria-checked="true"]').waitFor();
  const on = await client.messages.create({ model: "claude-opus-4-8", max_tokens: 500, messages: [{ role: "user", content: "hi" }] });
  assert.equal(on.stop_reason, "end_turn");
  await shot("09-proxy-on");

  // Dark mode reads too.
  await page.emulateMedia({ colorScheme: "dark" });
  await shot("10-dark");
  await fake.waitForIdle();
});

async function waitForValue(page: Page, locator: ReturnType<Page["getByTestId"]>, ok: (v: number) => boolean, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = NaN;
  while (Date.now() < deadline) {
    last = Number(await locator.getAttribute("data-value"));
    if (ok(last)) return last;
    await page.waitForTimeout(50);
  }
  throw new Error(`counter stayed at ${last}`);
}
