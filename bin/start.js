#!/usr/bin/env node
// npm start: the tray app when Electron's binary is installed (or can be downloaded now),
// else the same relay headless (`cursor-relay serve`) with the web dashboard, saying so.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const passthrough = process.argv.slice(2);
const electronDir = join(root, "node_modules", "electron");

/** The Electron binary's path when it is installed (without `require("electron")`, which downloads). */
function installedElectron() {
  const pathFile = join(electronDir, "path.txt");
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(binary) ? binary : null;
}

/** Electron's own installer, once (the npm package ships without the binary). Returns a reason on failure. */
function downloadElectron() {
  if (!existsSync(join(electronDir, "install.js"))) return "the electron package is not installed";
  if (process.env.CURSOR_RELAY_NO_ELECTRON_DOWNLOAD === "1") return "CURSOR_RELAY_NO_ELECTRON_DOWNLOAD=1";
  console.log("Electron's binary is not installed yet: downloading it once…");
  const r = spawnSync(process.execPath, [join(electronDir, "install.js")], { cwd: root, encoding: "utf8", timeout: 300_000 });
  if (r.status === 0 && installedElectron()) return null;
  const why = `${r.stderr ?? ""}\n${r.error?.message ?? ""}`.split("\n").find((l) => /error|fail/i.test(l)) ?? "the download failed";
  return why.trim().slice(0, 200);
}

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

let electron = installedElectron();
let reason = null;
if (!electron) {
  reason = downloadElectron();
  electron = installedElectron();
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
