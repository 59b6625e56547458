// The tray's "Run self-test" item: present with a snapshot when the shell offers the action.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTrayMenuTemplate, type TrayActions } from "../../../app/electron/tray-menu.ts";
import type { Snapshot } from "../../../app/base/control-api.ts";

const sampleSnapshot = (): Snapshot => ({
  version: 1,
  generatedAt: 0,
  proxy: { running: true, address: "127.0.0.1:8742", keyRequired: true, requestsPerMinute: 0, errorsLast5Min: 0, startedAt: 0 },
  accounts: [],
  logins: [],
});

test("Run self-test sits after Copy Claude Code setup and calls the action; absent without it or a snapshot", () => {
  const calls: string[] = [];
  const base: TrayActions = {
    setProxyRunning: () => {},
    addAccount: () => {},
    openWindow: () => {},
    copyClaudeCodeSetup: () => {},
    setLaunchAtLogin: () => {},
    quit: () => {},
  };
  const items = buildTrayMenuTemplate(sampleSnapshot(), 0, { ...base, runSelfTest: () => calls.push("runSelfTest") });
  const ids = items.map((i) => i.id);
  assert.equal(ids.indexOf("self-test"), ids.indexOf("copy-setup") + 1);
  const item = items.find((i) => i.id === "self-test")!;
  assert.equal(item.label, "Run self-test");
  (item.click as () => void)();
  assert.deepEqual(calls, ["runSelfTest"]);
  assert.ok(!buildTrayMenuTemplate(sampleSnapshot(), 0, base).some((i) => i.id === "self-test"));
  assert.ok(!buildTrayMenuTemplate(null, 0, { ...base, runSelfTest: () => {} }).some((i) => i.id === "self-test"));
});
