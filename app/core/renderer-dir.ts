// Where the built dashboard lives (the same React build the Electron window loads), and
// building it on the first start of a fresh checkout, so `npm start` / `cursor-relay
// serve` show the dashboard with no manual build step.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RENDERER_DIR = join(PROJECT_ROOT, "dist", "renderer");

/** The renderer build, or null when it was not built. */
export function builtRendererDir(dir: string = RENDERER_DIR): string | null {
  return existsSync(join(dir, "index.html")) ? dir : null;
}

/**
 * The renderer build, building it first when a checkout has none and Vite is installed.
 * It builds into a private folder and renames it into place, so two relays starting at
 * once never see a half-written dashboard. Returns null when it cannot build.
 */
export function ensureRendererBuilt(say: (message: string) => void, dir: string = RENDERER_DIR): string | null {
  const built = builtRendererDir(dir);
  if (built) return built;
  const vite = join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) return null;
  say("building the dashboard (first start of this checkout)…");
  mkdirSync(join(dir, ".."), { recursive: true });
  const tmp = join(dir, "..", `.renderer-build-${randomBytes(4).toString("hex")}`);
  const r = spawnSync(process.execPath, [vite, "build", "--outDir", tmp, "--emptyOutDir", "--logLevel", "error"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0 || !existsSync(join(tmp, "index.html"))) {
    rmSync(tmp, { recursive: true, force: true });
    say(`could not build the dashboard: ${(r.stderr || r.error?.message || "vite failed").trim().split("\n")[0]}`);
    return null;
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another relay built it first
  }
  return builtRendererDir(dir);
}
