// Where the relay listens. By default only on 127.0.0.1 — the relay app and the real
// `cursor-relay serve` process — so another machine (or this machine's own network
// address) cannot even connect. Listening elsewhere happens only when asked (--host),
// says so, and still requires the relay key; the management API still answers only to
// a loopback Host.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createLogger } from "../../app/base/log.ts";
import { createRelayApp, DEFAULT_HOST } from "../../app/relay/relay-app.ts";
import { serve, type Served } from "../e2e/cli-process.ts";
import { startFakeCursor } from "../fake-cursor/index.ts";
import { createFuzzClient } from "../fuzz/support/http-client.ts";
import { until } from "../support/until.ts";

/** This machine's own non-loopback IPv4 address, if it has one. */
const LAN_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;

/** Resolves "connected" or the connection error code. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
  });
}

function tempDir(t: { after(fn: () => unknown): void }, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("createRelayApp listens on 127.0.0.1 when no host is given: its socket is bound there, this machine's network address is refused", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const app = await createRelayApp({
    dataDir: tempDir(t, "cr-bind-"),
    cursorApi: fake.url,
    secretStore: "file",
    port: 0,
    logger: createLogger({ sink: () => {} }),
    warn: () => {},
    openBrowser: null,
  });
  await app.start();
  t.after(() => app.stop());
  assert.equal(DEFAULT_HOST, "127.0.0.1");
  assert.equal(app.url, `http://127.0.0.1:${app.port}`, "the URL comes from the socket's own address");
  assert.equal(await tryConnect("127.0.0.1", app.port!), "connected");
  assert.equal(await tryConnect("::1", app.port!), "ECONNREFUSED", "not on IPv6 loopback either");
  if (LAN_ADDRESS) assert.equal(await tryConnect(LAN_ADDRESS, app.port!), "ECONNREFUSED", `not on ${LAN_ADDRESS}`);
  else t.diagnostic("no non-loopback IPv4 interface: the LAN probe was skipped");
});

test("listening on all interfaces only when asked: the relay key is still required there, and the management API refuses a non-loopback Host", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const apiKey = `sk-${randomBytes(12).toString("hex")}`;
  const app = await createRelayApp({
    dataDir: tempDir(t, "cr-bind-all-"),
    cursorApi: fake.url,
    secretStore: "file",
    host: "0.0.0.0",
    port: 0,
    apiKey,
    logger: createLogger({ sink: () => {} }),
    warn: () => {},
    openBrowser: null,
  });
  await app.start();
  t.after(() => app.stop());
  assert.equal(app.url, `http://0.0.0.0:${app.port}`);
  if (!LAN_ADDRESS) {
    t.diagnostic("no non-loopback IPv4 interface: probed over loopback only");
  }
  const client = createFuzzClient(`http://${LAN_ADDRESS ?? "127.0.0.1"}:${app.port}`);
  t.after(() => client.close());
  const body = Buffer.from(JSON.stringify({ model: "claude-opus-4-8", messages: [{ role: "user", content: "hi" }] }));
  const without = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "content-type": "application/json" }, body });
  assert.equal(without.status, 401);
  const wrong = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "content-type": "application/json", "x-api-key": "guess" }, body });
  assert.equal(wrong.status, 401);
  const withKey = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "content-type": "application/json", "x-api-key": apiKey }, body });
  assert.equal(withKey.status, 200);
  if (LAN_ADDRESS) {
    const mgmt = await client.send({ method: "GET", path: "/v0/management/snapshot", headers: { authorization: `Bearer ${app.managementKey}` } });
    assert.equal(mgmt.status, 421, "the dashboard API is for this machine only, even with its key");
  }
});

/** `cursor-relay serve` as a user runs it, with no more than PATH and HOME (the first serve of a fresh checkout may build the dashboard). */
const serveIn = (args: string[], dataDir: string): Promise<Served> =>
  serve(args, { PATH: process.env.PATH, HOME: dataDir, CURSOR_RELAY_TEST_SESSION: process.env.CURSOR_RELAY_TEST_SESSION }, 150_000, { anyHost: true });

test("`cursor-relay serve` binds 127.0.0.1 by default; with --host 0.0.0.0 it warns and still requires the key", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const apiKey = `sk-${randomBytes(12).toString("hex")}`;
  const common = ["--port", "0", "--cursor-api", fake.url, "--secret-store", "file", "--api-key", apiKey];

  const dir1 = tempDir(t, "cr-serve-bind-");
  const local = await serveIn([...common, "--data-dir", dir1], dir1);
  t.after(() => local.stop());
  const port = Number(new URL(local.url).port);
  assert.equal(local.url, `http://127.0.0.1:${port}`);
  assert.equal(await tryConnect("127.0.0.1", port), "connected");
  if (LAN_ADDRESS) assert.equal(await tryConnect(LAN_ADDRESS, port), "ECONNREFUSED");
  assert.doesNotMatch(local.stderr(), /other machines can reach/);
  await local.stop();

  const dir2 = tempDir(t, "cr-serve-all-");
  const all = await serveIn([...common, "--data-dir", dir2, "--host", "0.0.0.0"], dir2);
  t.after(() => all.stop());
  const allPort = Number(new URL(all.url).port);
  assert.equal(all.url, `http://0.0.0.0:${allPort}`);
  // The warning follows the `listening on` line on the other stream.
  await until("the 0.0.0.0 warning on stderr", () => /other machines/.test(all.stderr()), 2000);
  assert.match(all.stderr(), /warning: listening on 0\.0\.0\.0: other machines can reach the relay \(the relay key is still required\)/);
  const client = createFuzzClient(`http://${LAN_ADDRESS ?? "127.0.0.1"}:${allPort}`);
  t.after(() => client.close());
  const body = Buffer.from(JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }));
  const without = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "content-type": "application/json" }, body });
  assert.equal(without.status, 401);
  const withKey = await client.send({ method: "POST", path: "/v1/messages/count_tokens", headers: { "content-type": "application/json", "x-api-key": apiKey }, body });
  assert.equal(withKey.status, 200);
  assert.ok(!all.stdout().includes(apiKey) && !all.stderr().includes(apiKey), "serve never prints the relay key");
  await all.stop();
});
