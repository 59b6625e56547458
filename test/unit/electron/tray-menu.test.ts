import { test } from "node:test";
import assert from "node:assert/strict";
import type { MenuItemConstructorOptions } from "electron";
import type { Snapshot } from "../../../app/base/control-api.ts";
import { buildTrayMenuTemplate, needsTicking, trayIconState, trayTooltip, type TrayActions } from "../../../app/electron/tray-menu.ts";
import { sampleAccount } from "../gateway/memory-control.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    version: 1,
    generatedAt: NOW,
    proxy: { running: true, address: "127.0.0.1:8742", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: NOW - MIN },
    accounts: [],
    logins: [],
    ...over,
  };
}
const ready = (id: string, over = {}) => sampleAccount({ id, ...over });
const cooling = (id: string, untilMs: number) => sampleAccount({ id, state: "cooling", cooldownUntil: NOW + untilMs, cooldownReason: "usage limit" });

function recorder() {
  const calls: unknown[][] = [];
  const actions: TrayActions = {
    setProxyRunning: (on) => calls.push(["setProxyRunning", on]),
    addAccount: () => calls.push(["addAccount"]),
    openWindow: () => calls.push(["openWindow"]),
    copyClaudeCodeSetup: () => calls.push(["copyClaudeCodeSetup"]),
    setLaunchAtLogin: (on) => calls.push(["setLaunchAtLogin", on]),
    quit: () => calls.push(["quit"]),
  };
  return { calls, actions };
}

const byId = (items: MenuItemConstructorOptions[], id: string) => {
  const item = items.find((i) => i.id === id);
  assert.ok(item, `menu item ${id}`);
  return item;
};
const click = (item: MenuItemConstructorOptions) => (item.click as () => void)();

test("tray icon state: off / healthy / cooling / exhausted", () => {
  assert.equal(trayIconState(null, NOW), "off");
  assert.equal(trayIconState(snapshot({ proxy: { ...snapshot().proxy, running: false }, accounts: [ready("cursor.a")] }), NOW), "off");
  assert.equal(trayIconState(snapshot({ accounts: [ready("cursor.a"), ready("cursor.b")] }), NOW), "healthy");
  assert.equal(trayIconState(snapshot({ accounts: [ready("cursor.a"), cooling("cursor.b", 5 * MIN)] }), NOW), "cooling");
  assert.equal(trayIconState(snapshot({ accounts: [ready("cursor.a"), ready("cursor.b", { state: "auth_expired" })] }), NOW), "cooling", "some account unusable");
  assert.equal(trayIconState(snapshot({ accounts: [cooling("cursor.a", MIN), cooling("cursor.b", 2 * MIN)] }), NOW), "exhausted");
  assert.equal(trayIconState(snapshot({ accounts: [cooling("cursor.a", MIN), ready("cursor.b", { state: "disabled" })] }), NOW), "exhausted");
  assert.equal(trayIconState(snapshot(), NOW), "exhausted", "no account: nothing can serve");
  // A cooldown that has ended counts as over before the next snapshot arrives.
  assert.equal(trayIconState(snapshot({ accounts: [cooling("cursor.a", MIN)] }), NOW + MIN), "healthy");
});

test("tooltip: proxy state and today's tokens", () => {
  assert.equal(trayTooltip(null), "Cursor Relay: starting…");
  assert.equal(trayTooltip(snapshot()), "Cursor Relay: proxy on, no Cursor account yet");
  const s = snapshot({
    accounts: [
      ready("cursor.a", { tokensToday: { input: 12_000, output: 450, cacheRead: 9_999_999 } }),
      ready("cursor.b", { tokensToday: { input: 300, output: 1_100, cacheRead: 0 } }),
    ],
  });
  assert.equal(trayTooltip(s), "Cursor Relay: proxy on\nToday: 12.3k tokens in, 1.55k out");
  assert.match(trayTooltip({ ...s, proxy: { ...s.proxy, running: false } }), /^Cursor Relay: proxy off\n/);
});

test("menu: proxy checkbox, one line per account with its state and time left, the actions", () => {
  const { calls, actions } = recorder();
  const s = snapshot({
    accounts: [
      ready("cursor.work", {
        sessions: [{ conversationId: "c1", model: "m", state: "streaming", tokens: { input: 1, output: 1, cacheRead: 0 }, startedAt: NOW }],
      }),
      cooling("cursor.home", 12 * MIN + 5_000),
      cooling("cursor.long", 65 * MIN),
      cooling("cursor.soon", 20_000),
      ready("cursor.old", { state: "auth_expired" }),
      ready("cursor.off", { state: "disabled" }),
    ],
  });
  const items = buildTrayMenuTemplate(s, NOW, actions, { launchAtLogin: false });
  const proxy = byId(items, "proxy");
  assert.equal(proxy.type, "checkbox");
  assert.equal(proxy.checked, true);
  assert.equal(proxy.label, "Proxy on (127.0.0.1:8742)");
  const accountLines = items.filter((i) => i.id?.startsWith("account:")).map((i) => i.label);
  assert.deepEqual(accountLines, [
    "Cursor work: ready · 1 live session",
    "Cursor home: cooling, 13 min left",
    "Cursor long: cooling, 1 h 05 min left",
    "Cursor soon: cooling, under a minute left",
    "Cursor old: sign-in expired",
    "Cursor off: disabled",
  ]);
  const labels = items.filter((i) => i.type !== "separator").map((i) => i.label);
  for (const l of ["Add Cursor account…", "Open Cursor Relay", "Copy Claude Code setup", "Launch at login", "Quit"]) assert.ok(labels.includes(l), l);
  assert.equal(labels.at(-1), "Quit");

  click(proxy);
  click(byId(items, "add-account"));
  click(byId(items, "open"));
  click(byId(items, "account:cursor.home"));
  click(byId(items, "copy-setup"));
  click(byId(items, "launch-at-login"));
  click(byId(items, "quit"));
  assert.deepEqual(calls, [["setProxyRunning", false], ["addAccount"], ["openWindow"], ["openWindow"], ["copyClaudeCodeSetup"], ["setLaunchAtLogin", true], ["quit"]]);

  // The countdown moves with the clock.
  const later = buildTrayMenuTemplate(s, NOW + 10 * MIN, actions, { launchAtLogin: false });
  assert.equal(byId(later, "account:cursor.home").label, "Cursor home: cooling, 3 min left");
  assert.equal(byId(buildTrayMenuTemplate(s, NOW + 13 * MIN, actions), "account:cursor.home").label, "Cursor home: ready");
});

test("menu: proxy off, no accounts, no launch-at-login on Linux, and before the first snapshot", () => {
  const { calls, actions } = recorder();
  const off = buildTrayMenuTemplate(snapshot({ proxy: { ...snapshot().proxy, running: false, address: null } }), NOW, actions, { launchAtLogin: null });
  const proxy = byId(off, "proxy");
  assert.equal(proxy.checked, false);
  assert.equal(proxy.label, "Proxy on");
  click(proxy);
  assert.deepEqual(calls, [["setProxyRunning", true]]);
  assert.equal(byId(off, "no-accounts").enabled, false);
  assert.ok(!off.some((i) => i.id === "launch-at-login"));

  const starting = buildTrayMenuTemplate(null, NOW, actions);
  assert.deepEqual(starting.filter((i) => i.type !== "separator").map((i) => i.label), ["Starting…", "Open Cursor Relay", "Quit"]);
});

test("the menu needs a refresh timer only while something cools", () => {
  assert.equal(needsTicking(null, NOW), false);
  assert.equal(needsTicking(snapshot({ accounts: [ready("cursor.a")] }), NOW), false);
  assert.equal(needsTicking(snapshot({ accounts: [cooling("cursor.a", MIN)] }), NOW), true);
  assert.equal(needsTicking(snapshot({ accounts: [cooling("cursor.a", MIN)] }), NOW + MIN), false);
});
