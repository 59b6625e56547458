// The house rules docs/architecture.md states, checked on the source itself so they
// cannot rot: layers only import downwards, only the cursor layer touches the generated
// protobuf code, only the Electron face imports `electron`, the renderer sees only the
// control contract, and no file or function grows past what a reader can hold.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

/** What each layer under app/ may import, besides itself (docs/architecture.md, "Layers"). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  base: [],
  cursor: ["base"],
  accounts: ["base"],
  sessions: ["base", "cursor"],
  gateway: ["base", "cursor", "sessions"],
  doctor: ["base", "cursor", "accounts"],
  relay: ["base", "cursor", "accounts", "sessions", "gateway", "doctor"],
  cli: ["base", "cursor", "accounts", "sessions", "gateway", "doctor", "relay"],
  electron: ["base", "cursor", "accounts", "sessions", "gateway", "doctor", "relay"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts"))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every module a file imports (static, dynamic and type-only), as written. */
function importsOf(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true).importedFiles.map((f) => f.fileName);
}

/** A relative import resolved to a repository path; undefined for packages. */
function resolveImport(file: string, spec: string): string | undefined {
  return spec.startsWith(".") ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : undefined;
}

const layerOf = (path: string): string | undefined => (path.startsWith("app/") ? path.split("/")[1] : undefined);

test("layers only import downwards, as docs/architecture.md's table says", () => {
  const wrong: string[] = [];
  for (const file of sourceFiles("app")) {
    const own = layerOf(file)!;
    const allowed = MAY_IMPORT[own];
    assert.ok(allowed, `${file}: app/${own}/ is not a layer the architecture names`);
    for (const spec of importsOf(file)) {
      const target = layerOf(resolveImport(file, spec) ?? "");
      if (target && target !== own && !allowed.includes(target)) wrong.push(`${file} imports ${spec} (${own} -> ${target})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("only app/cursor/ uses the generated protobuf code, and only app/electron/ imports electron", () => {
  const wrong: string[] = [];
  for (const file of sourceFiles("app")) {
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (target?.startsWith("proto/") && layerOf(file) !== "cursor") wrong.push(`${file} imports ${spec}`);
      if (spec === "electron" && layerOf(file) !== "electron") wrong.push(`${file} imports electron`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("the renderer reaches app/ only through the control contract in app/base/", () => {
  const wrong: string[] = [];
  for (const file of sourceFiles("renderer/src")) {
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (target?.startsWith("app/") && !/^app\/base\/control-[a-z-]+\.ts$/.test(target)) wrong.push(`${file} imports ${spec}`);
    }
  }
  assert.deepEqual(wrong, []);
});

/** Lines as `wc -l` counts them (a final newline ends the last line, it does not start one). */
const lineCount = (text: string): number => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);

test(`no file in app/ is over ${MAX_FILE_LINES} lines`, () => {
  const long = sourceFiles("app")
    .map((file) => ({ file, lines: lineCount(readFileSync(join(ROOT, file), "utf8")) }))
    .filter((f) => f.lines > MAX_FILE_LINES)
    .map((f) => `${f.file}: ${f.lines} lines`);
  assert.deepEqual(long, []);
});

/** Functions (declarations, arrows, expressions, methods) longer than the limit. */
function longFunctions(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const first = src.getLineAndCharacterOfPosition(node.getStart(src)).line;
      const last = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (last - first + 1 > MAX_FUNCTION_LINES) found.push(`${file}:${first + 1}: ${last - first + 1} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
}

test(`no function in app/ or renderer/ is over ${MAX_FUNCTION_LINES} lines`, () => {
  const long = [...sourceFiles("app"), ...sourceFiles("renderer/src")].flatMap(longFunctions);
  assert.deepEqual(long, []);
});

test("the checks see the code: a known upward import and a long function would be caught", () => {
  // Guards the guard: if file discovery or import parsing broke, the tests above would
  // pass on nothing.
  assert.ok(sourceFiles("app").length > 100);
  assert.ok(importsOf("app/relay/control.ts").some((s) => resolveImport("app/relay/control.ts", s)?.startsWith("app/accounts/")));
  assert.equal(layerOf(resolveImport("app/gateway/x.ts", "../sessions/y.ts")!), "sessions");
});
