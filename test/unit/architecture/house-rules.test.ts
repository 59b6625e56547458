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

/** Every import of the files under dir: the importing file, the module as written, and its repository path (undefined for packages). */
function importsUnder(dir: string): { file: string; spec: string; target: string | undefined }[] {
  return sourceFiles(dir).flatMap((file) => importsOf(file).map((spec) => ({ file, spec, target: resolveImport(file, spec) })));
}

/** "from -> to" when a file in app/ importing target breaks the layer table; null when it may. */
function upwardImport(file: string, target: string | undefined): string | null {
  const own = layerOf(file)!;
  const to = layerOf(target ?? "");
  return to && to !== own && !MAY_IMPORT[own]!.includes(to) ? `${own} -> ${to}` : null;
}

test("layers only import downwards, as docs/architecture.md's table says", () => {
  for (const file of sourceFiles("app")) assert.ok(MAY_IMPORT[layerOf(file)!], `${file}: app/${layerOf(file)}/ is not a layer the architecture names`);
  const wrong = importsUnder("app").flatMap(({ file, spec, target }) => {
    const why = upwardImport(file, target);
    return why ? [`${file} imports ${spec} (${why})`] : [];
  });
  assert.deepEqual(wrong, []);
});

test("only app/cursor/ uses the generated protobuf code, and only app/electron/ imports electron", () => {
  const wrong = importsUnder("app")
    .filter(({ file, spec, target }) => (target?.startsWith("proto/") && layerOf(file) !== "cursor") || (spec === "electron" && layerOf(file) !== "electron"))
    .map(({ file, spec }) => `${file} imports ${spec}`);
  assert.deepEqual(wrong, []);
});

test("the renderer reaches app/ only through the control contract in app/base/", () => {
  const wrong = importsUnder("renderer/src")
    .filter(({ target }) => target?.startsWith("app/") && !/^app\/base\/control-[a-z-]+\.ts$/.test(target))
    .map(({ file, spec }) => `${file} imports ${spec}`);
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
function longFunctions(file: string, text = readFileSync(join(ROOT, file), "utf8")): string[] {
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
  const long = [...sourceFiles("app"), ...sourceFiles("renderer/src")].flatMap((file) => longFunctions(file));
  assert.deepEqual(long, []);
});

test("the checks see the code: a known upward import and a long function would be caught", () => {
  // Guards the guard: if file discovery or import parsing broke, the tests above would
  // pass on nothing.
  assert.ok(sourceFiles("app").length > 100);
  assert.ok(importsOf("app/relay/control.ts").some((s) => resolveImport("app/relay/control.ts", s)?.startsWith("app/accounts/")));
  assert.equal(layerOf(resolveImport("app/gateway/x.ts", "../sessions/y.ts")!), "sessions");
  assert.equal(upwardImport("app/base/x.ts", resolveImport("app/base/x.ts", "../relay/y.ts")), "base -> relay");
  assert.equal(upwardImport("app/relay/x.ts", resolveImport("app/relay/x.ts", "../base/y.ts")), null);
  const body = "  step();\n".repeat(MAX_FUNCTION_LINES - 2); // with its first and last line: at the limit
  assert.deepEqual(longFunctions("x.ts", `function fits() {\n${body}}\nconst over = () => {\n${body}  step();\n};\n`), [`x.ts:${MAX_FUNCTION_LINES + 1}: ${MAX_FUNCTION_LINES + 1} lines`]);
});
