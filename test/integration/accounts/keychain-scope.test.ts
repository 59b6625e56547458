// Keychain entries are scoped per data folder (real keytar under the test keyring,
// real CLI commands): two folders with the same label never touch each other's tokens,
// old unscoped entries move only into the folder that owns them, and an entry is never
// overwritten with another Cursor user's tokens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../app/cli/main.ts";
import { openSecretStore } from "../../../app/accounts/secret-store-open.ts";
import type { SecretStore } from "../../../app/accounts/secret-store.ts";
import type { KeytarLike } from "../../../app/accounts/secret-store-keytar.ts";
import { startAuthServer, type AuthServer } from "./auth-server.ts";
import { haveKeyring } from "./helpers.ts";

const skip = !haveKeyring && "no test keyring session";
const keytar = async () => ((await import("keytar")) as unknown as { default: KeytarLike }).default;

async function setup(t: { after(fn: () => unknown): void }) {
  const s = await startAuthServer();
  s.script.pending = 0;
  const dirs: string[] = [];
  const stores: [SecretStore, string][] = [];
  t.after(async () => {
    for (const [store, id] of stores) await store.delete(id).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await s.close();
  });
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), "cr-kscope-"));
    dirs.push(d);
    return d;
  };
  const store = async (d: string, ...ids: string[]) => {
    const st = await openSecretStore({ kind: "keychain", dataDir: d, warn: () => undefined });
    for (const id of ids) stores.push([st, id]);
    return st;
  };
  const cli = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, "--cursor-api", s.url, "--secret-store", "keychain"], { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };
  const login = (d: string, label: string, sub: string) => {
    s.script.sub = sub;
    return cli(["login", "--no-browser", "--label", label, "--data-dir", d]);
  };
  return { s, dir, store, cli, login };
}

const lastLogin = (s: AuthServer) => s.logins[s.logins.length - 1]!;

test("two data folders, same label: a login in B leaves A's tokens; removing B's account leaves A's", { skip }, async (t) => {
  const { s, dir, store, cli, login } = await setup(t);
  const a = dir();
  const b = dir();
  assert.equal((await login(a, "work", "auth0|alice")).code, 0);
  const alice = lastLogin(s);
  const storeA = await store(a, "cursor.work");
  const r = await login(b, "work", "auth0|bob");
  assert.equal(r.code, 0, r.err);
  const bob = lastLogin(s);
  const storeB = await store(b, "cursor.work");

  assert.equal((await storeA.get("cursor.work"))?.accessToken, alice.accessToken, "A still holds alice's tokens");
  assert.equal((await storeB.get("cursor.work"))?.accessToken, bob.accessToken);

  const removed = await cli(["accounts", "remove", "cursor.work", "--data-dir", b]);
  assert.equal(removed.code, 0, removed.err);
  assert.equal(await storeB.get("cursor.work"), null);
  assert.equal((await storeA.get("cursor.work"))?.accessToken, alice.accessToken, "removing in B never deletes A's entry");
  // nothing is left under the old shared service name
  assert.equal(await (await keytar()).getPassword("cursor-relay", "cursor.work"), null);
});

test("migration: an old unscoped entry moves into the folder that lists the same user, never into another folder", { skip }, async (t) => {
  const { s, dir, store } = await setup(t);
  const kt = await keytar();
  const owner = dir();
  const stranger = dir();
  const token = { accessToken: await s.mintAccessToken("auth0|carol"), refreshToken: "rt_carol_0123456789" };
  const otherUsers = { accessToken: await s.mintAccessToken("auth0|dave"), refreshToken: "rt_dave_0123456789" };
  await kt.setPassword("cursor-relay", "cursor.mig", JSON.stringify(token));
  await kt.setPassword("cursor-relay", "cursor.kept", JSON.stringify(otherUsers));
  await kt.setPassword("cursor-relay", "relay-key", "sk-relay-old-shared-key");
  t.after(async () => {
    for (const name of ["cursor.mig", "cursor.kept", "relay-key"]) await kt.deletePassword("cursor-relay", name);
  });
  const account = (sub: string) => ({ label: null, sub, expiresAt: 0, addedAt: 1, updatedAt: 1 });
  // the stranger folder lists both ids, but for other users: it must take nothing
  writeFileSync(join(stranger, "settings.json"), JSON.stringify({ accounts: { "cursor.mig": account("auth0|zed"), "cursor.kept": account("auth0|zed") } }));
  writeFileSync(join(owner, "settings.json"), JSON.stringify({ accounts: { "cursor.mig": account("auth0|carol"), "cursor.kept": account("auth0|erin") } }));

  const strangerStore = await store(stranger, "cursor.mig", "cursor.kept");
  assert.equal(await strangerStore.get("cursor.mig"), null);
  assert.ok(await kt.getPassword("cursor-relay", "cursor.mig"), "the stranger left the old entry in place");

  const ownerStore = await store(owner, "cursor.mig", "cursor.kept");
  assert.deepEqual(await ownerStore.get("cursor.mig"), token, "moved into the owner's scope");
  assert.equal(await kt.getPassword("cursor-relay", "cursor.mig"), null, "and gone from the shared name");
  assert.equal(await ownerStore.get("cursor.kept"), null, "another user's entry is not taken");
  assert.ok(await kt.getPassword("cursor-relay", "cursor.kept"));
  assert.equal(await ownerStore.getRelayKey(), "sk-relay-old-shared-key", "a folder from before scoping keeps its relay key");
  await ownerStore.deleteRelayKey();
  await strangerStore.deleteRelayKey();

  const fresh = await store(dir());
  assert.equal(await fresh.getRelayKey(), null, "a new folder does not inherit the old shared key");
});

test("refusal: an entry holding another user's tokens is not overwritten (store and login)", { skip }, async (t) => {
  const { s, dir, store, login } = await setup(t);
  const d = dir();
  const st = await store(d, "cursor.clash");
  const alice = { accessToken: await s.mintAccessToken("auth0|alice"), refreshToken: "rt_alice_0123456789" };
  await st.set("cursor.clash", alice);
  const bob = { accessToken: await s.mintAccessToken("auth0|bob"), refreshToken: "rt_bob_0123456789" };
  await assert.rejects(st.set("cursor.clash", bob), /holds the tokens of another Cursor user .*nothing was overwritten/);
  // the same user may replace its own tokens
  const alice2 = { accessToken: await s.mintAccessToken("auth0|alice"), refreshToken: "rt_alice_2_0123456789" };
  await st.set("cursor.clash", alice2);

  const r = await login(d, "clash", "auth0|bob");
  assert.equal(r.code, 1);
  assert.match(r.err, /cursor\.clash holds the tokens of another Cursor user/);
  assert.deepEqual(await st.get("cursor.clash"), alice2, "alice's tokens are intact");
});

/** The real keytar, counting the reads under the old unscoped service name; deletes there fail while `failLegacyDeletes`. */
function countingKeytar(real: KeytarLike) {
  const counter = { legacyReads: 0, failLegacyDeletes: false };
  const wrapped: KeytarLike = {
    getPassword: (service, name) => {
      if (service === "cursor-relay") counter.legacyReads++;
      return real.getPassword(service, name);
    },
    setPassword: (service, name, value) => real.setPassword(service, name, value),
    deletePassword: (service, name) => {
      if (service === "cursor-relay" && counter.failLegacyDeletes) return Promise.reject(new Error("interrupted"));
      return real.deletePassword(service, name);
    },
  };
  return { counter, keytar: wrapped };
}

test("migration runs once per data folder: a second open reads nothing under the old name; an interrupted one is finished next time", { skip }, async (t) => {
  const { s, dir } = await setup(t);
  const real = await keytar();
  const { counter, keytar: kt } = countingKeytar(real);
  const token = { accessToken: await s.mintAccessToken("auth0|frank"), refreshToken: "rt_frank_0123456789" };
  await real.setPassword("cursor-relay", "cursor.once", JSON.stringify(token));
  await real.setPassword("cursor-relay", "relay-key", "sk-relay-old-shared-key-2");
  t.after(async () => {
    for (const name of ["cursor.once", "relay-key"]) await real.deletePassword("cursor-relay", name);
  });
  const d = dir();
  writeFileSync(join(d, "settings.json"), JSON.stringify({ accounts: { "cursor.once": { label: null, sub: "auth0|frank", expiresAt: 0, addedAt: 1, updatedAt: 1 } } }));
  const open = () => openSecretStore({ kind: "keychain", dataDir: d, warn: () => undefined, keytar: kt });

  // Interrupted midway: the entry was copied but the old one could not be deleted.
  counter.failLegacyDeletes = true;
  await assert.rejects(open(), /interrupted/);
  assert.ok(counter.legacyReads > 0);
  counter.failLegacyDeletes = false;

  const first = await open();
  t.after(async () => {
    await first.delete("cursor.once");
    await first.deleteRelayKey();
  });
  assert.deepEqual(await first.get("cursor.once"), token, "the account is in the folder's scope");
  assert.equal(await real.getPassword("cursor-relay", "cursor.once"), null, "the re-run finished the move");
  assert.equal(await first.getRelayKey(), "sk-relay-old-shared-key-2", "the relay key decision survived the interruption");

  counter.legacyReads = 0;
  const second = await open();
  assert.equal(counter.legacyReads, 0, "no read under the old name once the folder is migrated");
  assert.deepEqual(await second.get("cursor.once"), token);
  assert.equal(counter.legacyReads, 0);
});
