import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UI_CONTENT_SECURITY_POLICY } from "../../../app/gateway/management/index.ts";
import { assertNoCors, startManagement } from "./management-helpers.ts";

const SECRET = "TOP-SECRET-OUTSIDE-UI";

function makeUiDir(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), "cr-ui-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, "secret.txt"), SECRET);
  const ui = join(root, "ui");
  mkdirSync(join(ui, "assets"), { recursive: true });
  writeFileSync(join(ui, "index.html"), '<!doctype html><script type="module" src="./assets/index-abc.js"></script>');
  writeFileSync(join(ui, "assets", "index-abc.js"), "console.log(1)");
  writeFileSync(join(ui, "assets", "index-abc.css"), "body{}");
  writeFileSync(join(ui, "icon.svg"), "<svg/>");
  writeFileSync(join(ui, "weird.bin"), "??");
  writeFileSync(join(ui, ".env"), SECRET);
  symlinkSync(join(root, "secret.txt"), join(ui, "link-out.txt"));
  return ui;
}

test("/ui serves the built renderer with the right types and a strict CSP, without a key", async (t) => {
  const h = await startManagement(t, { uiDir: makeUiDir(t) });
  const redirect = await h.call("GET", "/ui?x=1", { auth: null });
  assert.equal(redirect.status, 308, "relative assets need the trailing slash");
  assert.equal(redirect.headers.location, "/ui/?x=1");

  const index = await h.call("GET", "/ui/", { auth: null });
  assert.equal(index.status, 200);
  assert.equal(index.headers["content-type"], "text/html; charset=utf-8");
  assert.match(index.text, /assets\/index-abc\.js/);
  assert.equal(index.headers["content-security-policy"], UI_CONTENT_SECURITY_POLICY);
  assert.match(UI_CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.match(UI_CONTENT_SECURITY_POLICY, /connect-src 'self'/);
  assert.doesNotMatch(UI_CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval/);
  assert.equal(index.headers["cache-control"], "no-cache");
  assert.equal(index.headers["x-content-type-options"], "nosniff");
  assert.equal(index.headers["referrer-policy"], "no-referrer");
  assert.equal((await h.call("GET", "/ui/index.html", { auth: null })).text, index.text);

  const expected: Array<[string, string]> = [
    ["/ui/assets/index-abc.js", "text/javascript; charset=utf-8"],
    ["/ui/assets/index-abc.css", "text/css; charset=utf-8"],
    ["/ui/icon.svg", "image/svg+xml"],
    ["/ui/weird.bin", "application/octet-stream"],
  ];
  for (const [path, type] of expected) {
    const r = await h.call("GET", path, { auth: null });
    assert.equal(r.status, 200, path);
    assert.equal(r.headers["content-type"], type, path);
    assert.ok(r.headers["content-security-policy"], path);
  }
  const js = await h.call("GET", "/ui/assets/index-abc.js", { auth: null });
  assert.equal(js.text, "console.log(1)");
  assert.match(String(js.headers["cache-control"]), /immutable/);

  const head = await h.call("HEAD", "/ui/assets/index-abc.js", { auth: null });
  assert.equal(head.status, 200);
  assert.equal(head.headers["content-length"], "14");
  assert.equal(head.text, "");
  const post = await h.call("POST", "/ui/", { auth: null });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, "GET, HEAD");
  assertNoCors(h.seenHeaders);
});

test("/ui never serves anything outside its folder, hidden files, folders or missing files", async (t) => {
  const h = await startManagement(t, { uiDir: makeUiDir(t) });
  const attempts = [
    "/ui/../secret.txt",
    "/ui/%2e%2e/secret.txt",
    "/ui/assets/..%2f..%2fsecret.txt",
    "/ui/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/ui/..%5csecret.txt",
    "/ui/assets/..\\..\\secret.txt",
    "/ui/%2fetc%2fpasswd",
    "//ui/../secret.txt",
    "/ui//etc/passwd",
    "/ui/index.html%00.js",
    "/ui/%E0%A4%A",
    "/ui/.env",
    "/ui/link-out.txt",
    "/ui/assets",
    "/ui/assets/",
    "/ui/missing.js",
  ];
  for (const path of attempts) {
    const r = await h.call("GET", path, { auth: null });
    assert.notEqual(r.status, 200, path);
    assert.ok(!r.text.includes(SECRET), `${path} leaked the file outside`);
    assert.ok(!r.text.includes("root:"), path);
  }
  assert.equal((await h.call("GET", "/ui/missing.js", { auth: null })).status, 404);
  assert.equal((await h.call("GET", "/ui/.env", { auth: null })).status, 404);
  assert.equal((await h.call("GET", "/ui/link-out.txt", { auth: null })).status, 404);
});

test("/ui without a built renderer says how to build it", async (t) => {
  const h = await startManagement(t, { uiDir: null });
  const r = await h.call("GET", "/ui/", { auth: null });
  assert.equal(r.status, 404);
  assert.match(r.text, /npm run build:renderer/);
  const missingDir = await startManagement(t, { uiDir: join(tmpdir(), "cr-ui-does-not-exist-4711") });
  assert.equal((await missingDir.call("GET", "/ui/", { auth: null })).status, 404);
});
