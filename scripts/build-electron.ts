// Bundles the Electron main process and the preload with esbuild (vite's own, from
// node_modules): main as ESM (Electron loads ESM mains), the preload as CommonJS (a
// sandboxed preload cannot load ESM). Packages stay external: electron-builder ships
// node_modules. Run: node --import tsx scripts/build-electron.ts
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function buildElectron(outDir = `${root}dist/electron`): Promise<void> {
  const common = { absWorkingDir: root, bundle: true, platform: "node", target: "node20", sourcemap: true, logLevel: "warning" } as const;
  await build({
    ...common,
    entryPoints: ["app/electron/main.ts"],
    outfile: `${outDir}/main.js`,
    format: "esm",
    packages: "external",
    external: ["electron"],
  });
  await build({
    ...common,
    entryPoints: ["app/electron/preload.ts"],
    outfile: `${outDir}/preload.cjs`,
    format: "cjs",
    external: ["electron"],
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildElectron();
  console.log("built dist/electron/main.js and dist/electron/preload.cjs");
}
