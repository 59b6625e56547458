// The committed TypeScript under proto/gen must be exactly what buf + protoc-gen-es
// produce from the .proto sources today.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

test("proto/gen is up to date with the .proto sources", () => {
  const out = mkdtempSync(join(tmpdir(), "proto-gen-"));
  try {
    const r = spawnSync(join(root, "node_modules/.bin/buf"), ["generate", "--output", out], {
      cwd: join(root, "proto"),
      encoding: "utf8",
      env: { ...process.env, PATH: `${join(root, "node_modules/.bin")}:${process.env.PATH}` },
    });
    assert.equal(r.status, 0, `buf generate failed: ${r.stderr}`);
    const committed = listFiles(join(root, "proto/gen")).sort();
    const fresh = listFiles(join(out, "gen")).sort();
    assert.deepEqual(committed, fresh, "generated file list differs: run `npm run proto`");
    for (const f of fresh) {
      const a = readFileSync(join(root, "proto/gen", f), "utf8");
      const b = readFileSync(join(out, "gen", f), "utf8");
      assert.ok(a === b, `${f} is stale: run \`npm run proto\``);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
