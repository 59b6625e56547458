#!/usr/bin/env node
// npm start: the tray app when Electron's binary is installed (or can be downloaded now),
// else the same relay headless (`cursor-relay serve`) with the web dashboard, saying so.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadElectronOnce, installedElectron } from "./electron-download.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const passthrough = process.argv.slice(2);
const electronDir = join(root, "node_modules", "electron");
const downloadFailureFile = join(root, "node_modules", ".cache", "cursor-relay", "electron-download-failed.json");

/** main + preload + renderer, built on the first start of a checkout. */
function ensureAppBuilt() {
  if (existsSync(join(root, "dist", "electron", "main.js")) && existsSync(join(root, "dist", "renderer", "index.html"))) return true;
  console.log("building the tray app (first start of this checkout)…");
  // Under `npm start`, npm says where it is; otherwise the npm on PATH.
  const npm = process.env.npm_execpath;
  const r = npm
    ? spawnSync(process.execPath, [npm, "run", "-s", "build"], { cwd: root, stdio: "inherit" })
    : spawnSync("npm", ["run", "-s", "build"], { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  return r.status === 0;
}

let electron = installedElectron(electronDir);
let reason = null;
if (!electron) {
  reason = downloadElectronOnce({ electronDir, failureFile: downloadFailureFile });
  electron = installedElectron(electronDir);
}
if (electron && !ensureAppBuilt()) {
  electron = null;
  reason = "the tray app could not be built (`npm run build`)";
}
if (!electron) {
  console.log(`Electron's binary is not available here (${reason}): starting the headless relay (\`cursor-relay serve\`) with the web dashboard instead.`);
}
const [cmd, args] = electron
  ? [electron, [root, ...passthrough]]
  : [process.execPath, [join(root, "bin", "cursor-relay.js"), "serve", ...passthrough]];
const child = spawn(cmd, args, { stdio: "inherit", cwd: root });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
