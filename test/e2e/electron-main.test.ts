// The tray app's main process, booted as built (dist/electron/main.js) against a
// stand-in `electron` module, the fake Cursor over real sockets and the real keychain,
// and driven as a user would: tray clicks, the window's IPC, a browser login, SDK
// requests, a second launch, Quit.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { openSecretStore } from "../../app/accounts/secret-store-open.ts";
import { main as cli } from "../../app/cli/main.ts";
import type { Snapshot } from "../../app/base/control-api.ts";
import { DOCTOR_TURN, startFakeCursor, TEXT_REPLY, TEXT_TURN } from "../fake-cursor/index.ts";
import { bootElectronMain, fake } from "../support/electron-boot.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const haveKeyring = process.env.CURSOR_RELAY_TEST_SESSION === "keyring";
const MODEL = "claude-opus-4-8";
const QUOTA_MESSAGE = "You've hit your usage limit for this billing cycle";

test("tray app main process: boot, tray, IPC, login, quota meters, proxy switch, notifications, self-test, second instance, quit", async (t) => {
  const tag = randomBytes(4).toString("hex");
  const [subA, subB] = [`auth0|tray_${tag}_a`, `auth0|tray_${tag}_b`];
  const cursor = await startFakeCursor({
    scenario: {
      login: { pendingPolls: 1, subs: [subA, subB] },
      // A: the self-test Run first, then text. B: out of quota on every Run.
      accounts: { [subA]: [DOCTOR_TURN, TEXT_TURN], [subB]: [[{ fail: "resource_exhausted", message: QUOTA_MESSAGE }]] },
    },
  });
  t.after(() => cursor.close());
  const dataDir = mkdtempSync(join(tmpdir(), "cr-electron-"));
  const relayKey = `test-key-${tag}`;
  Object.assign(process.env, {
    CURSOR_RELAY_DATA_DIR: dataDir,
    CURSOR_RELAY_CURSOR_API: cursor.url,
    CURSOR_RELAY_SECRET_STORE: haveKeyring ? "keychain" : "file",
    CURSOR_RELAY_PORT: "0", // any free port; relay.json says which, as for the CLI
    CURSOR_RELAY_API_KEY: relayKey,
  });
  t.after(async () => {
    if (!fake.app.isQuitted) fake.app.quit();
    await fake.app.hasQuit();
    const secrets = await openSecretStore({ kind: haveKeyring ? "keychain" : "file", dataDir, warn: () => {} });
    for (const id of Object.keys(settingsFile().accounts ?? {})) await secrets.delete(id).catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  });
  const settingsFile = (): { accounts?: Record<string, { label?: string | null }> } =>
    existsSync(join(dataDir, "settings.json")) ? JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8")) : {};
  let base = "";
  const anthropic = () => new Anthropic({ baseURL: base, apiKey: relayKey, maxRetries: 0 });
  const openai = () => new OpenAI({ baseURL: `${base}/v1`, apiKey: relayKey, maxRetries: 0 });
  let asked = 0;
  const ask = async () => {
    // A new conversation each time (one conversation stays on its account).
    const msg = await anthropic().messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: `hi #${++asked}` }] });
    return msg.content.map((b) => (b.type === "text" ? b.text : "")).join("");
  };
  const accountsCli = async (): Promise<{ id: string; label: string | null; displayLabel: string }[]> => {
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(await cli(["accounts", "--json"], { out: (l) => out.push(l), err: (l) => err.push(l), env: process.env }), 0, err.join("\n"));
    return JSON.parse(out.join("\n"));
  };

  const booted = await bootElectronMain();
  const { waitFor } = booted;

  await t.test("first start: the tray shows the proxy and no account; the window opens to add one", async () => {
    await waitFor("the first tray menu", () => booted.trayLines().includes("No Cursor account yet"));
    base = (JSON.parse(readFileSync(join(dataDir, "relay.json"), "utf8")) as { url: string }).url;
    assert.equal(fake.app.getPath("userData"), dataDir, "the app's data folder is the CLI's");
    assert.deepEqual(booted.trayLines(), [
      `Proxy on (${base})`,
      "No Cursor account yet",
      "Add Cursor account…",
      "Open Cursor Relay",
      "Copy Claude Code setup",
      "Run self-test",
      "Quit",
    ]);
    assert.equal(booted.trayItems().find((i) => i.id === "proxy")?.checked, true);
    assert.match(booted.trayToolTip(), /proxy on, no Cursor account yet/);
    const tray = fake.Tray.all.at(-1)!;
    assert.equal(tray.image.isEmpty(), false, `the tray icon exists: ${tray.image.path}`);
    const win = await waitFor("the window", () => fake.BrowserWindow.all[0]);
    await waitFor("the window to show", () => win.isVisible());
    const prefs = win.options.webPreferences as Record<string, unknown>;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.ok(existsSync(prefs.preload as string), `the preload was built next to main.js: ${String(prefs.preload)}`);
    assert.match(win.webContents.getURL(), /^file:\/\/.*\/dist\/renderer\/index\.html$/);
    // electron-store registers its IPC listener when the main process opens a store.
    assert.equal(fake.ipcMain.listenerCount("electron-store-get-data"), 1, "the settings are opened with electron-store");
  });

  await t.test("every package the built main imports ships with the app (a runtime dependency); the preload needs only electron", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const main = readFileSync(join(booted.outDir, "main.js"), "utf8");
    const specifiers = [...main.matchAll(/^import [^;]*?from "([^"]+)"|import\("([^"]+)"\)/gm)].map((m) => m[1] ?? m[2]!);
    const packages = new Set(specifiers.filter((s) => !s.startsWith("node:") && s !== "electron").map((s) => s.split("/").slice(0, s.startsWith("@") ? 2 : 1).join("/")));
    assert.ok(packages.has("electron-store") && packages.has("keytar"), [...packages].join(", "));
    for (const p of packages) assert.ok(pkg.dependencies[p], `${p} is imported by dist/electron/main.js but is not in "dependencies"`);
    // A sandboxed preload can require nothing but (a part of) electron.
    const preload = readFileSync(join(booted.outDir, "preload.cjs"), "utf8");
    assert.deepEqual([...new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))], ["electron"]);
  });

  let snapshot: Snapshot;
  await t.test("Add account: the login page opens in the browser; the account appears in the snapshot sent over IPC", async () => {
    booted.subscribeWindow();
    await waitFor("the first snapshot over IPC", () => booted.snapshotsSent().length > 0);
    assert.equal(booted.snapshotsSent().at(-1)!.accounts.length, 0);
    // The user's browser: loading the page records the PKCE challenge the poll is checked against.
    const browser = (url: string) => void fetch(url).then((r) => r.text());
    fake.shell.on("open-external", browser);
    booted.clickTray("add-account");
    await waitFor("the login page", () => fake.shell.opened.length === 1);
    assert.match(fake.shell.opened[0]!, new RegExp(`^${cursor.url}/loginDeepControl\\?challenge=`));
    snapshot = await waitFor("account A in a snapshot", () => booted.snapshotsSent().find((s) => s.accounts.length === 1));
    assert.equal(snapshot.accounts[0]!.state, "ready");
    assert.equal(cursor.logins.find((l) => l.sub === subA)?.visited, true, "the browser loaded the login page");
    await waitFor("the account's tray line", () => booted.trayLines().some((l) => l === `${snapshot.accounts[0]!.displayLabel}: ready`));
    // The same over an IPC call, as the page's getSnapshot does.
    const reply = (await booted.invoke("getSnapshot", {})) as { ok: boolean; value: Snapshot };
    assert.equal(reply.ok, true);
    assert.deepEqual(reply.value.accounts.map((a) => a.id), [snapshot.accounts[0]!.id]);
  });

  await t.test("Cursor's usage figures: the tray line and tooltip show the meters; crossing 80% and 100% notifies once each", async () => {
    const cycleEnd = String(Date.now() + 10 * 86_400_000);
    cursor.setUsage(subA, { billingCycleEnd: cycleEnd, planUsage: { autoPercentUsed: 12, apiPercentUsed: 85 }, enabled: true, planName: "Pro" });
    const id = snapshot.accounts[0]!.id;
    const refreshed = (await booted.invoke("refreshQuota", { id })) as { ok: boolean };
    assert.equal(refreshed.ok, true, JSON.stringify(refreshed));
    const line = await waitFor("the meters in the tray line", () => booted.trayLines().find((l) => l.includes("API 85%")));
    assert.match(line, /Pro · Auto 12% · API 85% · resets in (9|10) days/);
    assert.match(booted.trayToolTip(), /API 85%/);
    const notice = await waitFor("the 80% notification", () => booted.notifications().find((n) => /85% of API usage used$/.test(n.title)));
    assert.match(notice.body, /API pool/);
    // A second reading in the same cycle does not notify again.
    await booted.invoke("refreshQuota", { id });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(booted.notifications().filter((n) => /of API usage used$/.test(n.title)).length, 1);
    cursor.setUsage(subA, { billingCycleEnd: cycleEnd, planUsage: { autoPercentUsed: 12, apiPercentUsed: 100 }, enabled: true, planName: "Pro" });
    await booted.invoke("refreshQuota", { id });
    await waitFor("the 100% notification", () => booted.notifications().find((n) => /API usage used up$/.test(n.title)));
    cursor.setUsage(subA, null);
    await booted.invoke("refreshQuota", { id });
  });

  await t.test("the tray's Run self-test runs the doctor's checks and says they passed", async () => {
    booted.clickTray("self-test");
    const done = await waitFor("the self-test notification", () => booted.notifications().find((n) => n.title.startsWith("Self-test")));
    assert.equal(done.title, "Self-test passed", done.body);
    assert.match(done.body, /checks passed; the test used \d+ tokens/);
  });

  await t.test("settings written by the Electron face (electron-store) are read by `cursor-relay accounts`, and back", async () => {
    const id = snapshot.accounts[0]!.id;
    assert.deepEqual(await booted.invoke("renameAccount", { id, label: "work" }), { ok: true, value: undefined });
    assert.equal(settingsFile().accounts?.[id]?.label, "work");
    assert.equal(statSync(join(dataDir, "settings.json")).mode & 0o777, 0o600);
    assert.match(readFileSync(join(dataDir, "settings.json"), "utf8"), /^\{\n {2}"/, "the file twin's format: 2-space JSON");
    const listed = await accountsCli();
    assert.deepEqual(listed.map((a) => [a.id, a.label]), [[id, "work"]]);
    // The CLI relabels while the app runs; the app reads the file again.
    const out: string[] = [];
    assert.equal(await cli(["accounts", "label", id, "home"], { out: (l) => out.push(l), err: (l) => out.push(l), env: process.env }), 0, out.join("\n"));
    const relabelled = (await booted.invoke("getSnapshot", {})) as { value: Snapshot };
    assert.equal(relabelled.value.accounts[0]!.displayLabel, "Cursor home");
  });

  await t.test("the window's Add account: its link goes to the system browser through the window-open handler", async () => {
    const reply = (await booted.invoke("startLogin", { label: "spare" })) as { ok: boolean; value: { url: string } };
    assert.equal(reply.ok, true);
    const contents = booted.window().webContents;
    // The page opens a blank tab inside the click, then the login URL (renderer/src/open-url.ts).
    assert.deepEqual(contents.windowOpenHandler!({ url: "about:blank" }), { action: "deny" });
    assert.equal(fake.shell.opened.length, 1, "a blank page never leaves the app");
    assert.deepEqual(contents.windowOpenHandler!({ url: reply.value.url }), { action: "deny" });
    assert.equal(fake.shell.opened.at(-1), reply.value.url);
    const b = await waitFor("account B", () => booted.snapshotsSent().find((s) => s.accounts.length === 2));
    assert.ok(b.accounts.some((a) => a.displayLabel === "Cursor spare"));
    // Nothing else leaves the window: no navigation away, no file: or javascript: links.
    const navigation = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit("will-navigate", navigation, "https://example.com/");
    assert.equal(navigation.defaultPrevented, true);
    contents.windowOpenHandler!({ url: "file:///etc/passwd" });
    assert.equal(fake.shell.opened.length, 2);
  });

  await t.test("a second account that runs out of quota: a notification, the turn moves to the other account", async () => {
    for (let i = 0; i < 3 && !booted.notifications().some((n) => n.title.endsWith("is cooling down")); i++) {
      assert.equal(await ask(), TEXT_REPLY, "every request is served, by A when B fails");
      await waitFor("the snapshot after the request", () => booted.snapshotsSent().at(-1)!.accounts.some((a) => a.requests > 0));
    }
    const cooling = await waitFor("the cooling notification", () => booted.notifications().find((n) => n.title.endsWith("is cooling down")), 5_000).catch((e: Error) => {
      throw new Error(`${e.message}; Runs: ${JSON.stringify(cursor.runs.map((r) => [r.sub, r.injected, r.outcome]))}; notifications: ${JSON.stringify(booted.notifications())}`);
    });
    assert.match(cooling.body, new RegExp(`${QUOTA_MESSAGE}.*back in`));
    assert.ok(cursor.runs.some((r) => r.sub === subB && r.injected === "resource_exhausted"));
    await waitFor("B's cooling line in the tray", () => booted.trayLines().find((l) => /: cooling, (under a minute|\d+ min) left$/.test(l)));
    assert.equal(fake.Tray.all.at(-1)!.image.path.endsWith("cooling.png"), true);
    assert.equal(fake.Tray.all.at(-1)!.image.isEmpty(), false);
  });

  await t.test("the tray's proxy switch turns serving off (SDKs get the switched-off answer) and on again", async () => {
    booted.clickTray("proxy");
    await waitFor("the proxy off in the tray", () => booted.trayItems().find((i) => i.id === "proxy" && i.checked === false));
    assert.equal(fake.Tray.all.at(-1)!.image.path.endsWith("off.png"), true);
    const refused = await ask().catch((e: unknown) => e);
    assert.ok(refused instanceof Anthropic.APIError, String(refused));
    assert.equal(refused.status, 503);
    assert.match(refused.message, /the relay is switched off: turn the proxy on in Cursor Relay/);
    const refusedOpenAi = await openai().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    assert.ok(refusedOpenAi instanceof OpenAI.APIError, String(refusedOpenAi));
    assert.equal(refusedOpenAi.status, 503);
    assert.match(refusedOpenAi.message, /switched off/);

    booted.clickTray("proxy");
    await waitFor("the proxy on in the tray", () => booted.trayItems().find((i) => i.id === "proxy" && i.checked === true));
    assert.equal(await ask(), TEXT_REPLY);
    const chat = await openai().chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
    assert.equal(chat.choices[0]!.message.content, TEXT_REPLY);
  });

  await t.test("Copy Claude Code setup puts the lines with the relay key on the clipboard", async () => {
    booted.clickTray("copy-setup");
    await waitFor("the copied notification", () => booted.notifications().find((n) => n.title === "Claude Code setup copied"));
    assert.match(fake.clipboard.readText(), new RegExp(`ANTHROPIC_BASE_URL=${base}`));
    assert.match(fake.clipboard.readText(), new RegExp(`ANTHROPIC_AUTH_TOKEN=${relayKey}`));
  });

  await t.test("a second launch shows the hidden window", async () => {
    const win = booted.window();
    win.close(); // hides to the tray
    assert.equal(win.isDestroyed(), false);
    assert.equal(win.isVisible(), false);
    fake.app.launchSecondInstance();
    assert.equal(win.isVisible(), true);
    assert.equal(win.focused, true);
    assert.equal(fake.BrowserWindow.all.length, 1, "no second window");
    win.close();
    fake.Notification.shown.at(-1)!.click(); // a notification's click opens the window too
    assert.equal(win.isVisible(), true);
  });

  await t.test("Quit stops the relay with usage and cooldowns flushed to state.json", async () => {
    const requests = (s: Snapshot) => s.accounts.reduce((n, a) => n + a.requests, 0);
    const output = (s: Snapshot) => s.accounts.reduce((n, a) => n + a.tokensTotal.output, 0);
    const previous = booted.snapshotsSent().at(-1)!;
    assert.equal(await ask(), TEXT_REPLY); // right before quitting: its usage is still unwritten (debounced)
    const last = await waitFor("the last request in a snapshot", () => {
      const s = booted.snapshotsSent().at(-1)!;
      return requests(s) > requests(previous) && output(s) > output(previous) ? s : null;
    });
    booted.clickTray("quit");
    await fake.app.hasQuit();
    assert.equal(fake.app.exitCode, null, "a clean quit, not an exit");
    assert.equal(fake.Tray.all.at(-1)!.isDestroyed(), true);
    assert.equal(booted.window().isDestroyed(), true, "the window closes for real when quitting (not hidden to the tray)");
    assert.equal(existsSync(join(dataDir, "relay.json")), false, "relay.json removed");
    const closed = await fetch(`${base}/v1/models`).catch((e: unknown) => e);
    assert.ok(closed instanceof Error, "nothing listens any more");
    const state = JSON.parse(readFileSync(join(dataDir, "state.json"), "utf8")) as {
      accounts: Record<string, { cooldownUntil: number | null; cooldownReason: string | null; requests: number; tokens: { total: { input: number; output: number } } }>;
    };
    for (const a of last.accounts) {
      const saved = state.accounts[a.id] ?? assert.fail(`no state for ${a.id}`);
      assert.equal(saved.requests, a.requests, `${a.id}: requests`);
      assert.deepEqual({ input: saved.tokens.total.input, output: saved.tokens.total.output }, { input: a.tokensTotal.input, output: a.tokensTotal.output });
      assert.equal(saved.cooldownUntil, a.cooldownUntil, `${a.id}: cooldown`);
    }
    const cooled = last.accounts.find((a) => a.state === "cooling") ?? assert.fail("B is cooling");
    assert.match(state.accounts[cooled.id]!.cooldownReason ?? "", new RegExp(QUOTA_MESSAGE));
    assert.ok(last.accounts.some((a) => a.tokensTotal.output > 0), "usage was counted");
  });
});
