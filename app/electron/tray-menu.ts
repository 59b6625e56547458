// The tray as plain data: which icon, which tooltip, which menu, for a snapshot and a
// time. tray.ts turns this into Electron objects; tests check it without Electron.
import type { MenuItemConstructorOptions } from "electron";
import type { Snapshot } from "../base/control-api.ts";
import { accountStatusText, allExhausted, compactTokens, effectiveState } from "./account-status.ts";
import { quotaText } from "./quota-text.ts";

export type TrayIconState = "off" | "healthy" | "cooling" | "exhausted";

export interface TrayActions {
  setProxyRunning(running: boolean): void;
  addAccount(): void;
  openWindow(): void;
  copyClaudeCodeSetup(): void;
  setLaunchAtLogin(enabled: boolean): void;
  quit(): void;
  /** Runs `cursor-relay doctor`'s checks and shows the result (absent: no menu item). */
  runSelfTest?(): void;
}

export interface TrayMenuOptions {
  /** Current "launch at login" setting; null where the OS offers none (Linux). */
  launchAtLogin: boolean | null;
}

/** off: proxy stopped · exhausted: nothing can serve (no account, none ready) · cooling: some cooling · healthy. */
export function trayIconState(snapshot: Snapshot | null, now: number): TrayIconState {
  if (!snapshot || !snapshot.proxy.running) return "off";
  if (allExhausted(snapshot, now)) return "exhausted";
  return snapshot.accounts.some((a) => effectiveState(a, now) !== "ready") ? "cooling" : "healthy";
}

export function trayTooltip(snapshot: Snapshot | null, now: number = Date.now()): string {
  if (!snapshot) return "Cursor Relay: starting…";
  const proxy = snapshot.proxy.running ? "proxy on" : "proxy off";
  if (snapshot.accounts.length === 0) return `Cursor Relay: ${proxy}, no Cursor account yet`;
  let input = 0;
  let output = 0;
  for (const a of snapshot.accounts) {
    input += a.tokensToday.input;
    output += a.tokensToday.output;
  }
  const quotas = snapshot.accounts.flatMap((a) => {
    const text = quotaText(a, now);
    return text === null ? [] : [`${a.displayLabel}: ${text}`];
  });
  return [`Cursor Relay: ${proxy}`, `Today: ${compactTokens(input)} tokens in, ${compactTokens(output)} out`, ...quotas].join("\n");
}

export function buildTrayMenuTemplate(
  snapshot: Snapshot | null,
  now: number,
  actions: TrayActions,
  options: TrayMenuOptions = { launchAtLogin: null },
): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (!snapshot) {
    items.push({ label: "Starting…", enabled: false });
  } else {
    const running = snapshot.proxy.running;
    items.push({
      id: "proxy",
      label: running && snapshot.proxy.address ? `Proxy on (${snapshot.proxy.address})` : "Proxy on",
      type: "checkbox",
      checked: running,
      click: () => actions.setProxyRunning(!running),
    });
    items.push({ type: "separator" });
    if (snapshot.accounts.length === 0) {
      items.push({ id: "no-accounts", label: "No Cursor account yet", enabled: false });
    }
    for (const a of snapshot.accounts) {
      const live = a.sessions.length;
      const sessions = live > 0 ? ` · ${live} live session${live === 1 ? "" : "s"}` : "";
      const quota = quotaText(a, now);
      items.push({
        id: `account:${a.id}`,
        label: `${a.displayLabel}: ${accountStatusText(a, now)}${sessions}${quota === null ? "" : ` · ${quota}`}`,
        click: () => actions.openWindow(),
      });
    }
    items.push({ id: "add-account", label: "Add Cursor account…", click: () => actions.addAccount() });
  }
  items.push({ type: "separator" });
  items.push({ id: "open", label: "Open Cursor Relay", click: () => actions.openWindow() });
  if (snapshot) items.push({ id: "copy-setup", label: "Copy Claude Code setup", click: () => actions.copyClaudeCodeSetup() });
  const selfTest = actions.runSelfTest;
  if (snapshot && selfTest) items.push({ id: "self-test", label: "Run self-test", click: () => selfTest() });
  if (options.launchAtLogin !== null) {
    const on = options.launchAtLogin;
    items.push({ id: "launch-at-login", label: "Launch at login", type: "checkbox", checked: on, click: () => actions.setLaunchAtLogin(!on) });
  }
  items.push({ type: "separator" });
  items.push({ id: "quit", label: "Quit", click: () => actions.quit() });
  return items;
}

/** While an account cools, the menu's "N min left" needs a refresh even without a new snapshot. */
export function needsTicking(snapshot: Snapshot | null, now: number): boolean {
  return snapshot?.accounts.some((a) => effectiveState(a, now) === "cooling") ?? false;
}
