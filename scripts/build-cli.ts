// Compiles the command line (app/cli/main.ts and everything it imports) into plain
// JavaScript under dist/cli with esbuild, so `cursor-relay` starts without compiling
// TypeScript on every run (start-up and memory: no tsx loader). The pure-JavaScript
// packages the CLI loads at start (the settings library conf, the Connect/protobuf
// stack, jose) are bundled with their dependencies: loaded as hundreds of small modules
// from node_modules they cost start-up tens of milliseconds (conf alone 57 vs 27 ms
// here). keytar, a native addon, and everything else stay external. Lazy imports stay
// lazy (code splitting). bin/cursor-relay.js uses the
// build only while it is newer than every source file, else runs the sources via tsx.
// Run: node --import tsx scripts/build-cli.ts (npm ci runs it through `prepare`).
import { build, type Plugin } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Bundled into dist/cli with all they depend on (pure JavaScript, loaded at start). */
const BUNDLED_PACKAGES = ["conf", "@bufbuild/protobuf", "@connectrpc/connect", "@connectrpc/connect-node", "jose"];

/** A package and every package it depends on, as installed in node_modules. */
function dependencyTree(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const manifest = JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(manifest.dependencies ?? {})) dependencyTree(dep, seen);
  return seen;
}

/** The package a bare import names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (specifier: string): string => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** Every package import stays external except those of `bundled`. */
function externalExcept(bundled: Set<string>): Plugin {
  return {
    name: "external-except",
    setup(b) {
      b.onResolve({ filter: /^[^./#]/ }, (args) => (bundled.has(packageOf(args.path)) ? undefined : { path: args.path, external: true }));
    },
  };
}

export async function buildCli(outDir = `${root}dist/cli`): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { main: "app/cli/main.ts" },
    outdir: outDir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [externalExcept(new Set(BUNDLED_PACKAGES.flatMap((name) => [...dependencyTree(name)])))],
    // esbuild turns the bundled CommonJS requires into its own calls; this `require` only
    // serves one that stays dynamic (a Node built-in named at run time), should a package add one.
    banner: { js: 'import { createRequire as __relayCreateRequire } from "node:module"; const require = __relayCreateRequire(import.meta.url);' },
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli();
  console.log("built dist/cli/main.mjs");
}
