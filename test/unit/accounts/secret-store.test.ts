import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { openFileSecretStore } from "../../../app/accounts/secret-store-file.ts";
import { openKeytarSecretStore, type KeytarLike } from "../../../app/accounts/secret-store-keytar.ts";
import { openSecretStore } from "../../../app/accounts/secret-store-open.ts";
import { lazySecretStore, createMemorySecretStore } from "../../../app/accounts/secret-store.ts";
import { RelayError } from "../../../app/base/errors.ts";

const haveKeyring = process.env.CURSOR_RELAY_TEST_SESSION === "keyring";

test("real keytar round trip under the test keyring (service cursor-relay/<data folder id>)", { skip: !haveKeyring && "no test keyring session" }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-kt-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSecretStore({ kind: "keychain", dataDir: dir, warn: () => assert.fail("no warning for the keychain") });
  const service = `cursor-relay/${readFileSync(join(dir, "data-folder-id"), "utf8").trim()}`;
  assert.equal(store.kind, "keychain");
  const id = `cursor.kt-${randomBytes(4).toString("hex")}`;
  try {
    assert.equal(await store.get(id), null);
    await store.set(id, { accessToken: "at-1", refreshToken: "rt-1" });
    assert.deepEqual(await store.get(id), { accessToken: "at-1", refreshToken: "rt-1" });
    await store.set(id, { accessToken: "at-2", refreshToken: "rt-1" });
    assert.deepEqual(await store.get(id), { accessToken: "at-2", refreshToken: "rt-1" });
    // the entry is really in the keychain under the folder's service, account = id
    const keytar = ((await import("keytar")) as unknown as { default: KeytarLike }).default;
    assert.deepEqual(JSON.parse((await keytar.getPassword(service, id))!), { accessToken: "at-2", refreshToken: "rt-1" });
    assert.equal(await keytar.getPassword("cursor-relay", id), null);
    await store.delete(id);
    assert.equal(await store.get(id), null);
    assert.equal(await keytar.getPassword(service, id), null);
  } finally {
    await store.delete(id);
  }
});

test("relay key lives under the reserved entry relay-key", { skip: !haveKeyring && "no test keyring session" }, async () => {
  const service = `cursor-relay-test-${randomBytes(4).toString("hex")}`;
  const store = await openKeytarSecretStore({ service });
  try {
    assert.equal(await store.getRelayKey(), null);
    await store.setRelayKey("crk-secret");
    assert.equal(await store.getRelayKey(), "crk-secret");
    const keytar = ((await import("keytar")) as unknown as { default: KeytarLike }).default;
    assert.equal(await keytar.getPassword(service, "relay-key"), "crk-secret");
  } finally {
    await store.deleteRelayKey();
  }
  assert.equal(await store.getRelayKey(), null);
  await assert.rejects(store.get("relay-key"), /not an account id/);
});

test("a keychain that fails (no Secret Service) is one clear RelayError naming --secret-store file", async () => {
  const broken: KeytarLike = {
    getPassword: async () => {
      throw new Error("Cannot autolaunch D-Bus without X11 $DISPLAY");
    },
    setPassword: async () => undefined,
    deletePassword: async () => true,
  };
  await assert.rejects(openKeytarSecretStore({ keytar: broken }), (e: unknown) => {
    assert.ok(e instanceof RelayError);
    assert.equal(e.kind, "keychain");
    assert.match(e.message, /Cannot autolaunch D-Bus/);
    assert.match(e.message, /--secret-store file/);
    return true;
  });
  const hanging: KeytarLike = { getPassword: () => new Promise(() => {}), setPassword: async () => undefined, deletePassword: async () => true };
  await assert.rejects(openKeytarSecretStore({ keytar: hanging, timeoutMs: 30 }), /did not answer within 30 ms; is the keyring locked/);
});

test("file secret store: encrypted at rest, 0600 files, warns once on open, survives reopen", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-secrets-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const store = await openSecretStore({ kind: "file", dataDir: dir, warn: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /secrets\.json.*casual reads/s);
  const at = "eyJhbGciOiJIUzI1NiJ9.access-token-value.sig";
  const rt = "refresh-token-value-xyz";
  await store.set("cursor.a", { accessToken: at, refreshToken: rt });
  await store.setRelayKey("relay-key-value-123");
  for (const f of ["secrets.json", "secrets.key"]) {
    const p = join(dir, f);
    assert.equal(statSync(p).mode & 0o777, 0o600, f);
    const text = readFileSync(p, "utf8");
    for (const s of [at, rt, "relay-key-value-123", "access-token-value"]) assert.ok(!text.includes(s), `${s} in ${f}`);
  }
  const again = openFileSecretStore({ dataDir: dir, warn: () => undefined });
  assert.deepEqual(await again.get("cursor.a"), { accessToken: at, refreshToken: rt });
  assert.equal(await again.getRelayKey(), "relay-key-value-123");
  await again.delete("cursor.a");
  assert.equal(await store.get("cursor.a"), null);

  // entries are bound to their name: moving ciphertext to another name fails loudly
  await store.set("cursor.b", { accessToken: "x", refreshToken: "y" });
  const file = JSON.parse(readFileSync(join(dir, "secrets.json"), "utf8")) as { entries: Record<string, string> };
  file.entries["cursor.c"] = file.entries["cursor.b"]!;
  writeFileSync(join(dir, "secrets.json"), JSON.stringify(file));
  await assert.rejects(store.get("cursor.c"), /cannot be decrypted/);
});

test("lazy secret store opens the backend only when a secret is touched", async () => {
  let opened = 0;
  const inner = createMemorySecretStore();
  const lazy = lazySecretStore("keychain", async () => (opened++, inner));
  assert.equal(opened, 0);
  await lazy.set("cursor.x", { accessToken: "a", refreshToken: "b" });
  assert.deepEqual(await lazy.get("cursor.x"), { accessToken: "a", refreshToken: "b" });
  assert.equal(opened, 1);
});
