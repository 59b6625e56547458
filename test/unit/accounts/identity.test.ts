import { test } from "node:test";
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import {
  accountIdFor,
  displayLabelFor,
  identify,
  normalizeLabel,
  readTokenClaims,
  subToShortHash,
  tokenExpiresAt,
} from "../../../app/accounts/identity.ts";
import { challengeFor, createPkce, loginPageBase, loginUrl } from "../../../app/accounts/pkce.ts";

const key = new TextEncoder().encode("unit-test-key-unit-test-key-1234");
const jwt = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(key);

test("short hash vector: first 8 hex of sha256(sub)", () => {
  assert.equal(subToShortHash("auth0|user_123"), "b009ca21");
  assert.notEqual(subToShortHash("auth0|user_124"), "b009ca21");
});

test("account id and display label priority: label, then sub hash, then plain", () => {
  assert.equal(accountIdFor("work", "b009ca21"), "cursor.work");
  assert.equal(accountIdFor(null, "b009ca21"), "cursor.b009ca21");
  assert.equal(accountIdFor(null, null), "cursor");
  assert.equal(displayLabelFor("work", "b009ca21"), "Cursor work");
  assert.equal(displayLabelFor(null, "b009ca21"), "Cursor b009ca21");
  assert.equal(displayLabelFor(null, null), "Cursor User");
});

test("labels are trimmed, empty means none, unsafe characters are refused", () => {
  assert.equal(normalizeLabel("  work  "), "work");
  assert.equal(normalizeLabel("   "), null);
  assert.equal(normalizeLabel(undefined), null);
  assert.equal(normalizeLabel("me@home laptop"), "me@home laptop");
  assert.throws(() => normalizeLabel("../etc"), /not allowed/);
  assert.throws(() => normalizeLabel("a/b"), /not allowed/);
  assert.throws(() => normalizeLabel("x".repeat(65)), /not allowed/);
});

test("sub and exp are read from a real JWT; expires_at is exp minus 5 minutes", async () => {
  const token = await jwt({ sub: "auth0|user_123", exp: 1_900_000_000.5 });
  assert.deepEqual(readTokenClaims(token), { sub: "auth0|user_123", expMs: 1_900_000_000_500 });
  assert.equal(tokenExpiresAt(token, 0), 1_900_000_000_500 - 5 * 60_000);
  const id = identify(token, null, 0);
  assert.equal(id.accountId, "cursor.b009ca21");
  assert.equal(id.displayLabel, "Cursor b009ca21");
  assert.equal(id.sub, "auth0|user_123");
  assert.equal(identify(token, " work ", 0).accountId, "cursor.work", "an explicit label wins");
});

test("an unparseable token names the account `cursor` and lives one hour", () => {
  assert.deepEqual(readTokenClaims("not-a-jwt"), { sub: null, expMs: null });
  assert.equal(tokenExpiresAt("not-a-jwt", 1000), 1000 + 3_600_000);
  const id = identify("not-a-jwt", null, 0);
  assert.equal(id.accountId, "cursor");
  assert.equal(id.displayLabel, "Cursor User");
});

test("PKCE: the documented challenge vector, 128-char verifier, login URL", () => {
  // the docs/protocol.md §2.1 vector (sha256 = cbd7b7…, so base64url starts with a lower-case y)
  assert.equal(challengeFor("dBjftJeZ4CVP-mJ92ZNMTkz4Wl3uQwl0bqgd4ZtwOXk"), "y9e3IUVNNLOJj2k5JZ6lWrqMl724x3wLsEPGXp7iBM4");
  const p = createPkce();
  assert.equal(p.verifier.length, 128);
  assert.match(p.verifier, /^[A-Za-z0-9_-]+$/);
  assert.equal(p.challenge, challengeFor(p.verifier));
  assert.match(p.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(loginPageBase("https://api2.cursor.sh"), "https://cursor.com/loginDeepControl");
  assert.equal(loginPageBase("http://127.0.0.1:9/"), "http://127.0.0.1:9/loginDeepControl");
  const url = new URL(loginUrl("https://api2.cursor.sh", p));
  assert.equal(url.origin + url.pathname, "https://cursor.com/loginDeepControl");
  assert.equal(url.searchParams.get("challenge"), p.challenge);
  assert.equal(url.searchParams.get("uuid"), p.uuid);
  assert.equal(url.searchParams.get("mode"), "login");
  assert.equal(url.searchParams.get("redirectTarget"), "cli");
  assert.ok(!url.toString().includes(p.verifier), "the verifier never appears in the URL");
});
