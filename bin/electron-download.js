// Electron's binary for `npm start`: the npm package ships without it, and Electron's own
// installer fetches it. A failed download is remembered (per Electron version, under
// node_modules/.cache, so a fresh `npm ci` or a new version tries again): starts after it
// go straight to the headless relay instead of trying, and saying so, every time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The Electron binary's path when it is installed (without `require("electron")`, which downloads). */
export function installedElectron(electronDir) {
  const pathFile = join(electronDir, "path.txt");
  if (!existsSync(pathFile)) return null;
  const binary = join(electronDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(binary) ? binary : null;
}

function electronVersion(electronDir) {
  try {
    return JSON.parse(readFileSync(join(electronDir, "package.json"), "utf8")).version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Runs Electron's installer unless it already failed for this version. Returns null when
 * the binary is there afterwards, else the reason (the earlier failure's, when remembered).
 * options: { electronDir, failureFile, env, log, timeoutMs }
 */
export function downloadElectronOnce({ electronDir, failureFile, env = process.env, log = console.log, timeoutMs = 300_000 }) {
  if (!existsSync(join(electronDir, "install.js"))) return "the electron package is not installed";
  if (env.CURSOR_RELAY_NO_ELECTRON_DOWNLOAD === "1") return "CURSOR_RELAY_NO_ELECTRON_DOWNLOAD=1";
  const version = electronVersion(electronDir);
  const earlier = readFailure(failureFile);
  if (earlier && earlier.version === version) {
    return `downloading it failed before (${earlier.reason}); delete ${failureFile} to try again`;
  }
  log("Electron's binary is not installed yet: downloading it once…");
  const r = spawnSync(process.execPath, [join(electronDir, "install.js")], { cwd: join(electronDir, "..", ".."), encoding: "utf8", timeout: timeoutMs });
  if (r.status === 0 && installedElectron(electronDir)) {
    rmSync(failureFile, { force: true });
    return null;
  }
  const why = `${r.stderr ?? ""}\n${r.error?.message ?? ""}`.split("\n").find((l) => /error|fail/i.test(l)) ?? "the download failed";
  const reason = why.trim().slice(0, 200);
  try {
    mkdirSync(dirname(failureFile), { recursive: true });
    writeFileSync(failureFile, `${JSON.stringify({ version, reason, at: new Date().toISOString() })}\n`);
  } catch {
    // cannot remember it: the next start simply tries again
  }
  return reason;
}

function readFailure(file) {
  try {
    const f = JSON.parse(readFileSync(file, "utf8"));
    return typeof f?.version === "string" && typeof f?.reason === "string" ? f : null;
  } catch {
    return null;
  }
}
