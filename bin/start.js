#!/usr/bin/env node
// npm start: the tray app when Electron's binary is installed, else the same relay
// headless (`cursor-relay serve`) with the web dashboard, saying so.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL("..", import.meta.url));
const passthrough = process.argv.slice(2);

function electronBinary() {
  try {
    const p = require("electron"); // the npm package exports the binary's path
    return typeof p === "string" && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const [cmd, args] = electron
  ? [electron, [root, ...passthrough]]
  : [process.execPath, [fileURLToPath(new URL("./cursor-relay.js", import.meta.url)), "serve", ...passthrough]];
if (!electron) {
  console.log("Electron's binary is not installed here: starting the headless relay (`cursor-relay serve`) with the web dashboard instead.");
}
const child = spawn(cmd, args, { stdio: "inherit", cwd: root });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
