import { test } from "node:test";
import assert from "node:assert/strict";
import { controlActionNames, controlActions, IPC_SNAPSHOT, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE, parseActionInput, type IpcReply } from "../../../app/base/control-contract.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { registerControlIpc, validateIpcCall } from "../../../app/electron/ipc.ts";
import { isExternalUrlAllowed, isTrustedRendererUrl } from "../../../app/electron/urls.ts";
import { createMemoryControl, sampleAccount, TEST_RELAY_KEY } from "../gateway/memory-control.ts";
import { FakeIpcMain, FakePage, RENDERER_URL, flush } from "./fake-ipc.ts";

const ch = (name: keyof typeof controlActions) => controlActions[name].channel;

test("validateIpcCall: only our renderer's frame may call", () => {
  const good = validateIpcCall(ch("getSnapshot"), [{}], `${RENDERER_URL}#/accounts`, RENDERER_URL);
  assert.ok(good.ok);
  for (const url of [
    null,
    undefined,
    "",
    "https://evil.example/",
    "file:///tmp/evil/index.html",
    "file:///opt/Cursor%20Relay/resources/app.asar/dist/renderer/other.html",
    "devtools://devtools/bundled/inspector.html",
    "about:blank",
  ]) {
    const v = validateIpcCall(ch("getSnapshot"), [{}], url, RENDERER_URL);
    assert.ok(!v.ok && v.error.status === 403, String(url));
  }
  // A dev server renderer: same origin only.
  assert.ok(validateIpcCall(ch("getSnapshot"), [{}], "http://localhost:5173/some/route", "http://localhost:5173/").ok);
  assert.ok(!validateIpcCall(ch("getSnapshot"), [{}], "http://localhost:5174/", "http://localhost:5173/").ok);
});

test("validateIpcCall: unknown channels, wrong argument counts and bad inputs are refused with the contract's words", () => {
  for (const channel of ["cursor-relay:subscribe", "cursor-relay:__proto__", "cursor-relay:toString", "other:getSnapshot", "getSnapshot"]) {
    const v = validateIpcCall(channel, [{}], RENDERER_URL, RENDERER_URL);
    assert.ok(!v.ok && v.error.status === 404, channel);
  }
  const none = validateIpcCall(ch("setProxyRunning"), [], RENDERER_URL, RENDERER_URL);
  assert.ok(!none.ok && /expected one argument object, got 0/.test(none.error.message));
  const two = validateIpcCall(ch("setProxyRunning"), [{ running: true }, "extra"], RENDERER_URL, RENDERER_URL);
  assert.ok(!two.ok && /got 2/.test(two.error.message));
  const bad = validateIpcCall(ch("renameAccount"), [{ id: "cursor.a", label: "a/b" }], RENDERER_URL, RENDERER_URL);
  assert.ok(!bad.ok);
  // Exactly what the HTTP face says for the same input.
  assert.throws(() => parseActionInput("renameAccount", { id: "cursor.a", label: "a/b" }), (e: unknown) => e instanceof RelayError && e.message === (bad.ok ? "" : bad.error.message));
  const ok = validateIpcCall(ch("startLogin"), [{ label: "  work " }], RENDERER_URL, RENDERER_URL);
  assert.deepEqual(ok, { ok: true, name: "startLogin", input: { label: "work" } });
});

test("urls: only http(s) goes to the system browser", () => {
  for (const u of ["https://cursor.com/loginDeepControl?x=1", "http://127.0.0.1:8742/"]) assert.ok(isExternalUrlAllowed(u), u);
  for (const u of ["file:///etc/passwd", "javascript:alert(1)", "smb://host/share", "ms-settings:", "not a url", ""]) assert.ok(!isExternalUrlAllowed(u), u);
  assert.ok(!isTrustedRendererUrl("file://otherhost/opt/Cursor%20Relay/resources/app.asar/dist/renderer/index.html", RENDERER_URL));
});

test("registerControlIpc: one handler per action; calls run, errors come back as {type, message}", async () => {
  const ipcMain = new FakeIpcMain();
  const control = createMemoryControl();
  control.update((s) => s.accounts.push(sampleAccount({ id: "cursor.work" })));
  const dispose = registerControlIpc({ ipcMain, control, rendererUrl: RENDERER_URL, logger: silentLogger });
  assert.deepEqual([...ipcMain.handlers.keys()].sort(), controlActionNames.map((n) => controlActions[n].channel).sort());
  const page = new FakePage(ipcMain);

  assert.deepEqual(await page.renderer.invoke(ch("resetCooldown"), { id: "cursor.work" }), { ok: true, value: undefined });
  assert.deepEqual(await page.renderer.invoke(ch("revealRelayKey"), {}), { ok: true, value: TEST_RELAY_KEY });
  const missing = (await page.renderer.invoke(ch("removeAccount"), { id: "cursor.ghost" })) as IpcReply;
  assert.deepEqual(missing, { ok: false, error: { type: "not_found", message: 'no account "cursor.ghost"' } });
  const invalid = (await page.renderer.invoke(ch("setProxyRunning"), { running: "no" })) as IpcReply;
  assert.deepEqual(invalid, { ok: false, error: { type: "invalid_request", message: "setProxyRunning: `running` must be true or false" } });
  control.failWith = new Error("boom");
  assert.deepEqual(await page.renderer.invoke(ch("getSnapshot"), {}), { ok: false, error: { type: "internal", message: "boom" } });
  control.failWith = null;

  const evil = new FakePage(ipcMain, "https://evil.example/");
  const refused = (await evil.renderer.invoke(ch("regenerateRelayKey"), {})) as IpcReply;
  assert.ok(!refused.ok && refused.error.type === "permission");
  const framed = new FakePage(ipcMain);
  framed.frameUrl = "https://evil.example/frame";
  const refusedFrame = (await framed.renderer.invoke(ch("revealRelayKey"), {})) as IpcReply;
  assert.ok(!refusedFrame.ok && refusedFrame.error.type === "permission", "the calling frame counts, not the page");
  assert.deepEqual(control.calls.map((c) => c.name), ["resetCooldown", "revealRelayKey", "removeAccount"], "refused and invalid calls never ran");

  dispose();
  assert.equal(ipcMain.handlers.size, 0);
  assert.equal(ipcMain.listeners.get(IPC_SUBSCRIBE)?.size ?? 0, 0);
});

test("registerControlIpc: snapshots go to subscribed pages of ours, now and on every change, and stop when they go", async () => {
  const ipcMain = new FakeIpcMain();
  const control = createMemoryControl();
  registerControlIpc({ ipcMain, control, rendererUrl: RENDERER_URL, logger: silentLogger });
  const page = new FakePage(ipcMain);
  const other = new FakePage(ipcMain);
  const evil = new FakePage(ipcMain, "https://evil.example/");
  // A foreign frame inside our own page (an iframe) must not subscribe either.
  const framed = new FakePage(ipcMain);
  framed.frameUrl = "https://evil.example/frame";
  const versions = (p: FakePage) => p.received.filter((r) => r.channel === IPC_SNAPSHOT).map((r) => (r.args[0] as { version: number }).version);

  page.renderer.send(IPC_SUBSCRIBE);
  evil.renderer.send(IPC_SUBSCRIBE);
  framed.renderer.send(IPC_SUBSCRIBE);
  await flush();
  assert.deepEqual(versions(framed), [], "a foreign frame in our page gets nothing");
  assert.deepEqual(versions(page), [1], "the current snapshot at once");
  assert.deepEqual(versions(evil), [], "a foreign page gets nothing");
  assert.equal(control.listenerCount, 1);

  control.update((s) => void (s.proxy.running = false));
  assert.deepEqual(versions(page), [1, 2]);
  assert.deepEqual(versions(other), [], "not subscribed");

  other.renderer.send(IPC_SUBSCRIBE);
  await flush();
  control.update((s) => void (s.proxy.running = true));
  assert.deepEqual(versions(page), [1, 2, 3]);
  assert.deepEqual(versions(other), [2, 3]);
  assert.equal(control.listenerCount, 1, "one ControlApi subscription for all pages");

  // A page that navigated away (it cannot, but still) gets nothing more.
  other.url = "https://evil.example/";
  control.update(() => {});
  assert.deepEqual(versions(other), [2, 3]);
  assert.deepEqual(versions(page), [1, 2, 3, 4]);

  page.renderer.send(IPC_UNSUBSCRIBE);
  control.update(() => {});
  assert.deepEqual(versions(page), [1, 2, 3, 4], "unsubscribed: nothing more");
  assert.equal(control.listenerCount, 0, "no page left: unsubscribed from the ControlApi");

  page.renderer.send(IPC_SUBSCRIBE);
  await flush();
  page.destroy();
  control.update(() => {});
  assert.equal(control.listenerCount, 0, "a destroyed page is dropped");
  assert.ok(page.received.every((r) => !JSON.stringify(r.args).includes(TEST_RELAY_KEY)), "no secret in anything pushed");
});
