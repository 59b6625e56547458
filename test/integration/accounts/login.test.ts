import { test } from "node:test";
import assert from "node:assert/strict";
import { systemClock } from "../../../app/base/clock.ts";
import { RelayError } from "../../../app/base/errors.ts";
import { startLogin } from "../../../app/accounts/login.ts";
import { subToShortHash } from "../../../app/accounts/identity.ts";
import { main } from "../../../app/cli/main.ts";
import { startAuthServer, type AuthServer } from "./auth-server.ts";
import { makeEnv, storeKind } from "./helpers.ts";

const fast = { firstDelayMs: 5, maxDelayMs: 20 };

async function server(t: { after(fn: () => unknown): void }): Promise<AuthServer> {
  const s = await startAuthServer();
  t.after(() => s.close());
  return s;
}

/** A "browser" that really loads the login page (the server then checks the PKCE challenge). */
const browser = async (url: string) => {
  const r = await fetch(url);
  await r.text();
};

test("login: pending → success; two subs give two accounts; a re-login of the first updates it; no token on disk or in logs", async (t) => {
  const s = await server(t);
  const env = await makeEnv(t, () => s.url);
  const registry = env.openRegistry(systemClock, false);
  const one = await startLogin({ cursorApi: s.url, label: null, clock: systemClock, registry, openBrowser: browser, poll: fast }).done;
  assert.equal(s.polls, 2, "one pending answer, then success");
  const sub1 = s.logins[0]!.sub;
  assert.equal(one.id, `cursor.${subToShortHash(sub1)}`);
  assert.equal(one.displayLabel, `Cursor ${subToShortHash(sub1)}`);
  assert.equal(one.sub, sub1);

  const two = await startLogin({ cursorApi: s.url, label: null, clock: systemClock, registry, openBrowser: browser, poll: fast }).done;
  assert.notEqual(two.id, one.id);
  assert.equal(registry.list().length, 2);

  s.script.sub = sub1;
  const again = await startLogin({ cursorApi: s.url, label: null, clock: systemClock, registry, openBrowser: browser, poll: fast }).done;
  assert.equal(again.id, one.id);
  assert.equal(registry.list().length, 2, "re-login updates, never duplicates");
  assert.deepEqual(await env.secrets.get(one.id), { accessToken: s.logins[2]!.accessToken, refreshToken: s.logins[2]!.refreshToken });
  assert.equal(await registry.getAccessToken(one.id), s.logins[2]!.accessToken);

  env.assertNoSecrets(s.logins.flatMap((l) => [l.accessToken, l.refreshToken]));
  assert.ok(env.logLines.some((l) => l.includes("account added")), "the logs were captured");
});

test("login failures: timeout, rejection (status + body), network — each a clear error, nothing stored", async (t) => {
  const s = await server(t);
  const env = await makeEnv(t, () => s.url);
  const registry = env.openRegistry(systemClock, false);

  s.script.pending = Infinity;
  const timeout = await startLogin({ cursorApi: s.url, label: "t1", clock: systemClock, registry, poll: { ...fast, maxPolls: 4 } }).done.catch((e: unknown) => e);
  assert.ok(timeout instanceof RelayError);
  assert.equal(timeout.kind, "upstream_timeout");
  assert.match(timeout.message, /Cursor login timed out.*after 4 checks/);

  s.script.pending = 0;
  s.script.fail = { status: 500, body: "login service on fire" };
  const rejected = await startLogin({ cursorApi: s.url, label: "t2", clock: systemClock, registry, poll: fast }).done.catch((e: unknown) => e);
  assert.ok(rejected instanceof RelayError);
  assert.equal(rejected.message, "Cursor login failed: /auth/poll answered 500: login service on fire");

  // a browser that tampers with the challenge makes the server refuse (403). The user has
  // not finished the browser login until the page has loaded, so polls stay pending until
  // then: otherwise a poll could overtake the page load and be answered with tokens.
  s.script.fail = undefined;
  s.script.pending = Infinity;
  const tampered = await startLogin({
    cursorApi: s.url,
    label: "t3",
    clock: systemClock,
    registry,
    poll: fast,
    openBrowser: async (url) => {
      await browser(url.replace(/challenge=[^&]+/, "challenge=wrong"));
      s.script.pending = 0;
    },
  }).done.catch((e: unknown) => e);
  assert.ok(tampered instanceof RelayError);
  assert.match(tampered.message, /answered 403: challenge mismatch/);

  const dead = "http://127.0.0.1:9"; // nothing listens on the discard port
  const network = await startLogin({ cursorApi: dead, label: "t4", clock: systemClock, registry, poll: { ...fast, maxNetworkErrors: 3 } }).done.catch((e: unknown) => e);
  assert.ok(network instanceof RelayError);
  assert.equal(network.kind, "upstream_unavailable");
  assert.match(network.message, /could not reach Cursor at http:\/\/127\.0\.0\.1:9 \(3 network errors in a row/);

  assert.deepEqual(registry.list(), []);
  for (const id of ["cursor.t1", "cursor.t2", "cursor.t3", "cursor.t4"]) assert.equal(await env.secrets.get(id), null);
});

test("cursor-relay login --no-browser: exactly the three documented lines, then the display label; no verifier or token printed", async (t) => {
  const s = await server(t);
  const env = await makeEnv(t, () => s.url);
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} };
  const code = await main(["login", "--no-browser", "--label", "cli", "--data-dir", env.dir, "--cursor-api", s.url, "--secret-store", storeKind], io);
  assert.equal(code, 0, err.join("\n"));
  assert.equal(out.length, 4);
  assert.equal(out[0], "Starting Cursor authentication...");
  assert.match(out[1]!, new RegExp(`^Please visit this URL to log in: ${s.url}/loginDeepControl\\?challenge=[A-Za-z0-9_-]{43}&uuid=[0-9a-f-]{36}&mode=login&redirectTarget=cli$`));
  assert.equal(out[2], "Waiting for Cursor authorization...");
  assert.equal(out[3], "Logged in: Cursor cli (account id cursor.cli)");
  for (const line of [...out, ...err]) assert.doesNotMatch(line, /[A-Za-z0-9_-]{100,}/, "nothing verifier-sized is printed");
  env.assertNoSecrets(s.logins.flatMap((l) => [l.accessToken, l.refreshToken]), [...out, ...err]);

  const list: string[] = [];
  assert.equal(await main(["accounts", "--json", "--data-dir", env.dir], { out: (l) => list.push(l), err: () => undefined, env: {} }), 0);
  assert.deepEqual((JSON.parse(list.join("\n")) as { id: string; state: string }[]).map((r) => [r.id, r.state]), [["cursor.cli", "ready"]]);
});

test("cursor-relay login: a rejected login exits 1 with the reason and stores nothing", async (t) => {
  const s = await server(t);
  s.script.pending = 0;
  s.script.fail = { status: 418, body: "no tea" };
  const env = await makeEnv(t, () => s.url);
  const err: string[] = [];
  const code = await main(["login", "--no-browser", "--data-dir", env.dir, "--cursor-api", s.url, "--secret-store", storeKind], {
    out: () => undefined,
    err: (l) => err.push(l),
    env: {},
  });
  assert.equal(code, 1);
  assert.equal(err.at(-1), "cursor-relay login: Cursor login failed: /auth/poll answered 418: no tea");
  assert.deepEqual(env.files().map((f) => f.path.split("/").pop()).filter((n) => n === "settings.json"), []);
});
