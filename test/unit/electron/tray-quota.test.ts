// The tray shows each account's Cursor usage figures in its menu line and in the tooltip.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { QuotaView, Snapshot } from "../../../app/base/control-api.ts";
import { buildTrayMenuTemplate, trayTooltip, type TrayActions } from "../../../app/electron/tray-menu.ts";
import { sampleAccount } from "../gateway/memory-control.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const DAY = 86_400_000;
const quota = (over: Partial<QuotaView> = {}): QuotaView => ({
  plan: "Pro",
  autoPercentUsed: 40,
  apiPercentUsed: 100,
  onDemand: null,
  resetsAt: NOW + 3 * DAY,
  displayMessage: null,
  tracked: true,
  readAt: NOW - 60_000,
  readError: null,
  ...over,
});
const snapshot = (accounts: Snapshot["accounts"]): Snapshot => ({
  version: 1,
  generatedAt: NOW,
  proxy: { running: true, address: "127.0.0.1:8742", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: NOW },
  accounts,
  logins: [],
});
const noop: TrayActions = { setProxyRunning() {}, addAccount() {}, openWindow() {}, copyClaudeCodeSetup() {}, setLaunchAtLogin() {}, quit() {} };

test("tray: an account line carries plan, Auto and API meters and the reset countdown", () => {
  const s = snapshot([
    sampleAccount({ id: "cursor.a", displayLabel: "Cursor a", quota: quota() }),
    sampleAccount({ id: "cursor.b", displayLabel: "Cursor b", quota: quota({ readAt: null }) }),
    sampleAccount({ id: "cursor.c", displayLabel: "Cursor c", quota: quota({ plan: null, autoPercentUsed: null, resetsAt: NOW + 5 * 3_600_000 }) }),
  ]);
  const items = buildTrayMenuTemplate(s, NOW, noop);
  const label = (id: string) => items.find((i) => i.id === `account:${id}`)!.label;
  assert.equal(label("cursor.a"), "Cursor a: ready · Pro · Auto 40% · API 100% · resets in 3 days");
  assert.equal(label("cursor.b"), "Cursor b: ready", "nothing read yet: no figures");
  assert.equal(label("cursor.c"), "Cursor c: ready · Auto ? · API 100% · resets in 5 h");
});

test("tray tooltip: one line per account with figures", () => {
  const s = snapshot([sampleAccount({ id: "cursor.a", displayLabel: "Cursor a", quota: quota() }), sampleAccount({ id: "cursor.b", displayLabel: "Cursor b" })]);
  const lines = trayTooltip(s, NOW).split("\n");
  assert.equal(lines.length, 3);
  assert.equal(lines[2], "Cursor a: Pro · Auto 40% · API 100% · resets in 3 days");
});
