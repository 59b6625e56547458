// Compiles the command line (app/cli/main.ts and everything it imports) into plain
// JavaScript under dist/cli with esbuild, so `cursor-relay` starts without compiling
// TypeScript on every run (start-up and memory: no tsx loader). Packages stay external
// (node_modules), lazy imports stay lazy (code splitting). bin/cursor-relay.js uses the
// build only while it is newer than every source file, else runs the sources via tsx.
// Run: node --import tsx scripts/build-cli.ts (npm ci runs it through `prepare`).
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

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
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli();
  console.log("built dist/cli/main.mjs");
}
