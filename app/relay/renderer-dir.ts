// Where the built dashboard lives (the same React build the Electron window loads), and
// building it on the first start of a fresh checkout — and again when the checkout's
// dashboard sources are newer than the build (after a pull or an edit) — so `npm start` /
// `cursor-relay serve` never show a stale dashboard and need no manual build step.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RENDERER_DIR = join(PROJECT_ROOT, "dist", "renderer");

/** The renderer build, or null when it was not built. */
export function builtRendererDir(dir: string = RENDERER_DIR): string | null {
  return existsSync(join(dir, "index.html")) ? dir : null;
}

/** What the dashboard build is made of: the renderer and the control contract files it imports from app/base. */
const RENDERER_SOURCES = [
  "renderer",
  ...["control-api", "control-contract", "control-actions", "control-fields", "control-http", "control-ipc", "router", "errors"].map((f) => `app/base/${f}.ts`),
  "vite.config.ts",
];

/** Newest modification time (ms) under the given paths; 0 when none exist (an installed app). */
export function newestSourceMtime(root: string = PROJECT_ROOT, paths: readonly string[] = RENDERER_SOURCES): number {
  let newest = 0;
  const visit = (p: string): void => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== "node_modules" && name !== "dist") visit(join(p, name));
    } else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(join(root, p));
  return newest;
}

/** True when a build exists but the checkout's dashboard sources changed after it was made. */
export function rendererBuildIsStale(dir: string = RENDERER_DIR, root: string = PROJECT_ROOT): boolean {
  const index = join(dir, "index.html");
  if (!existsSync(index)) return false;
  return newestSourceMtime(root) > statSync(index).mtimeMs;
}

/**
 * The renderer build, building it first when a checkout has none (or a stale one) and Vite is installed.
 * It builds into a private folder and renames it into place, so two relays starting at
 * once never see a half-written dashboard. Returns null when it cannot build.
 */
export function ensureRendererBuilt(say: (message: string) => void, dir: string = RENDERER_DIR): string | null {
  const built = builtRendererDir(dir);
  const stale = built !== null && rendererBuildIsStale(dir);
  if (built && !stale) return built;
  const vite = join(PROJECT_ROOT, "node_modules", "vite", "bin", "vite.js");
  if (!existsSync(vite)) return built;
  say(stale ? "rebuilding the dashboard (its sources changed since the last build)…" : "building the dashboard (first start of this checkout)…");
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
    return built; // a stale dashboard beats none
  }
  if (stale) {
    // Swap: the old build moves aside first, so the folder is never half-written.
    const old = join(dir, "..", `.renderer-old-${randomBytes(4).toString("hex")}`);
    try {
      renameSync(dir, old);
    } catch {
      // another relay swapped it already
    }
    rmSync(old, { recursive: true, force: true });
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another relay built it first
  }
  return builtRendererDir(dir);
}
