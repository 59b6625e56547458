// The same login and refresh flows against the shared fake Cursor (test/fake-cursor).
import { test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../../app/base/clock.ts";
import { startLogin } from "../../../app/accounts/login.ts";
import { subToShortHash } from "../../../app/accounts/identity.ts";
import { makeEnv } from "./helpers.ts";
import { startFakeCursor } from "../../fake-cursor/index.ts";

test("against the shared fake: browser login twice gives two accounts, then refresh and the 401 path", async (t) => {
  const fake = await startFakeCursor();
  t.after(() => fake.close());
  const env = await makeEnv(t, () => fake.url);
  const registry = env.openRegistry(systemClock, false);
  const browser = async (url: string) => void (await (await fetch(url)).text());
  const poll = { firstDelayMs: 5, maxDelayMs: 20 };
  const a = await startLogin({ cursorApi: fake.url, label: null, clock: systemClock, registry, openBrowser: browser, poll }).done;
  const b = await startLogin({ cursorApi: fake.url, label: null, clock: systemClock, registry, openBrowser: browser, poll }).done;
  assert.equal(a.id, `cursor.${subToShortHash("auth0|user_fake_1")}`);
  assert.equal(b.id, `cursor.${subToShortHash("auth0|user_fake_2")}`);
  assert.equal(registry.list().length, 2);

  const before = (await env.secrets.get(a.id))!;
  await registry.refreshNow(a.id);
  const after = (await env.secrets.get(a.id))!;
  assert.notEqual(after.accessToken, before.accessToken);
  assert.equal(registry.get(a.id)?.sub, "auth0|user_fake_1");
  assert.equal(await registry.onUnauthorized(a.id, false), "retry_same");
  const current = (await env.secrets.get(a.id))!;
  fake.revokeRefreshToken(current.refreshToken);
  assert.equal(await registry.onUnauthorized(a.id, false), "auth_expired");
  assert.deepEqual(await env.secrets.get(a.id), current);
  env.assertNoSecrets([before, after, current].flatMap((s) => [s.accessToken, s.refreshToken]));
});
