// The local checks: the data folder's existence, type and privacy; the secret store's answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemorySecretStore } from "../../../app/accounts/secret-store.ts";
import { checkDataDir, checkSecretStore } from "../../../app/doctor/checks-local.ts";
import { formatCheck } from "../../../app/doctor/format.ts";
import { redactHeader } from "../../../app/doctor/header-capture.ts";
import { scrub } from "../../../app/doctor/bundle.ts";

test("data folder: private passes; readable by others, missing or a file fails with the fix", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-doctor-dd-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o700);
  assert.deepEqual(checkDataDir(dir, "linux"), { status: "pass", detail: `${dir} (0700)` });
  chmodSync(dir, 0o755);
  const open = checkDataDir(dir, "linux");
  assert.equal(open.status, "fail");
  assert.equal(open.next, `run \`chmod 700 ${dir}\``);
  assert.equal(checkDataDir(dir, "win32").status, "pass", "no POSIX modes on Windows");
  assert.match(checkDataDir(join(dir, "none")).detail, /does not exist/);
  writeFileSync(join(dir, "file"), "x");
  assert.match(checkDataDir(join(dir, "file")).detail, /is not a folder/);
});

test("secret store: a store that answers passes; one that throws fails with the way out", async () => {
  const ok = await checkSecretStore(async () => createMemorySecretStore());
  assert.equal(ok.outcome.status, "pass");
  const locked = await checkSecretStore(async () => {
    throw new Error("the collection is locked");
  });
  assert.equal(locked.store, null);
  assert.equal(locked.outcome.detail, "the collection is locked");
  assert.match(locked.outcome.next ?? "", /--secret-store file/);
});

test("lines: ✓ / ✗ with timing and the next step; – for skipped", () => {
  assert.deepEqual(formatCheck({ id: "a", title: "data folder", status: "pass", detail: "/d (0700)", next: null, durationMs: 3 }), ["✓ data folder: /d (0700) (3 ms)"]);
  assert.deepEqual(formatCheck({ id: "b", title: "models", status: "fail", detail: "down", next: "wait", durationMs: 12 }), ["✗ models: down (12 ms)", "    next: wait"]);
  assert.deepEqual(formatCheck({ id: "c", title: "run", status: "skip", detail: "no token", next: null, durationMs: 0 }), ["– run: skipped, no token (0 ms)"]);
});

test("redaction: credential headers by name, bearer tokens and JWTs by shape, listed secrets anywhere", () => {
  assert.equal(redactHeader("authorization", "Bearer abc"), "<redacted>");
  assert.equal(redactHeader("x-api-key", "k"), "<redacted>");
  assert.equal(redactHeader("x-cursor-client-version", "cli-2026.02.13-41ac335"), "cli-2026.02.13-41ac335");
  assert.equal(redactHeader("x-note", "Bearer abc.def"), "Bearer <redacted>");
  assert.equal(scrub('{"m":"token eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl and sk-relay-1234567890"}', ["sk-relay-1234567890"]), '{"m":"token <redacted> and <redacted>"}');
});
