import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../support/manual-clock.ts";
import type { AccountChange } from "../../../app/accounts/registry.ts";
import { startAuthServer } from "./auth-server.ts";
import { makeEnv } from "./helpers.ts";

const waitFor = (registry: { onChange(l: (c: AccountChange) => void): () => void }, type: AccountChange["type"]) =>
  new Promise<AccountChange>((resolve) => {
    const off = registry.onChange((c) => {
      if (c.type === type) {
        off();
        resolve(c);
      }
    });
  });

test("the timer refreshes ahead of expiry over a real socket; 401 → one refresh → retry; a dead refresh token → auth expired, token kept", async (t) => {
  const clock = new ManualClock(Date.now());
  const s = await startAuthServer(() => clock.now());
  t.after(() => s.close());
  const env = await makeEnv(t, () => s.url);
  const registry = env.openRegistry(clock);
  const sub = "auth0|user_refresh";
  const first = { accessToken: await s.mintAccessToken(sub), refreshToken: s.issueRefreshToken(sub) };
  const a = await registry.addFromLogin(first, "refresh");
  assert.equal(a.tokenExpiresAt, Math.floor(clock.now() / 1000) * 1000 + 3_600_000 - 300_000);

  clock.advance(44 * 60_000);
  assert.equal(s.refreshes.length, 0, "not yet inside the lead");
  const refreshed = waitFor(registry, "refreshed");
  clock.advance(2 * 60_000); // 46 min: past exp − 15 min
  await refreshed;
  assert.equal(s.refreshes.length, 1);
  assert.equal(s.refreshes[0]!.refreshToken, first.refreshToken);
  const second = (await env.secrets.get(a.id))!;
  assert.notEqual(second.accessToken, first.accessToken);
  assert.notEqual(second.refreshToken, first.refreshToken, "the rotated refresh token is stored");
  assert.equal(await registry.getAccessToken(a.id), second.accessToken);

  // Cursor says 401: refresh once and retry on the same account
  assert.equal(await registry.onUnauthorized(a.id, false), "retry_same");
  const third = (await env.secrets.get(a.id))!;
  assert.equal(s.refreshes.length, 2);
  assert.notEqual(third.accessToken, second.accessToken);

  // the refresh token is revoked: the 401 path fails, the account is auth expired, nothing destroyed
  s.revokeRefreshToken(third.refreshToken);
  assert.equal(await registry.onUnauthorized(a.id, false), "auth_expired");
  const info = registry.get(a.id)!;
  assert.equal(info.authExpired, true);
  assert.match(info.authExpiredReason ?? "", /status 401/);
  assert.deepEqual(await env.secrets.get(a.id), third, "a failed refresh keeps the stored tokens");
  assert.equal(s.refreshes.at(-1)!.status, 401);

  // an expired account is not refreshed by the timer any more
  // (no timer is left to fire: checked directly rather than by waiting a while for a request)
  assert.equal(clock.pending, 0, "no refresh timer is scheduled for an expired account");
  const before = s.refreshes.length;
  clock.advance(2 * 3_600_000);
  assert.equal(s.refreshes.length, before);

  const all = [first, second, third].flatMap((x) => [x.accessToken, x.refreshToken]);
  env.assertNoSecrets(all);
  assert.ok(env.logLines.some((l) => l.includes("token refreshed")));
  assert.ok(env.logLines.some((l) => l.includes("auth expired")));
});

test("restarting restores every account; removing deletes secret and metadata for good", async (t) => {
  const clock = new ManualClock(Date.now());
  const s = await startAuthServer(() => clock.now());
  t.after(() => s.close());
  const env = await makeEnv(t, () => s.url);
  const r1 = env.openRegistry(clock, false);
  const tokens: { accessToken: string; refreshToken: string }[] = [];
  for (const [i, label] of [[1, null], [2, "two"]] as const) {
    const sub = `auth0|user_restart_${i}`;
    const pair = { accessToken: await s.mintAccessToken(sub), refreshToken: s.issueRefreshToken(sub) };
    tokens.push(pair);
    await r1.addFromLogin(pair, label);
  }
  const ids = r1.list().map((a) => a.id);
  r1.close();

  const r2 = env.openRegistry(clock, false); // a fresh process: settings file + keychain only
  assert.deepEqual(r2.list().map((a) => a.id), ids);
  assert.deepEqual(r2.list().map((a) => a.displayLabel), [`Cursor ${ids[0]!.slice("cursor.".length)}`, "Cursor two"]);
  assert.equal(await r2.getAccessToken(ids[0]!), tokens[0]!.accessToken);
  assert.equal(await r2.getAccessToken(ids[1]!), tokens[1]!.accessToken);
  await r2.remove(ids[1]!);
  r2.close();

  const r3 = env.openRegistry(clock, false);
  assert.deepEqual(r3.list().map((a) => a.id), [ids[0]]);
  assert.equal(await env.secrets.get(ids[1]!), null);
  env.assertNoSecrets(tokens.flatMap((p) => [p.accessToken, p.refreshToken]));
  // the scan can fail: a token planted in the data dir is found
  writeFileSync(join(env.dir, "leak.txt"), `oops ${tokens[0]!.refreshToken}`);
  assert.throws(() => env.assertNoSecrets([tokens[0]!.refreshToken]), /a token was found in .*leak\.txt/);
  rmSync(join(env.dir, "leak.txt"));
});
