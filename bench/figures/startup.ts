// Start-up: `cursor-relay serve` (bin/cursor-relay.js, through tsx like `npx
// cursor-relay serve`) from spawning the process to its `listening on` line, with the
// file secret store in a temp data dir (CURSOR_RELAY_DATA_DIR), so no keychain is needed.
// The first start of a checkout compiles the TypeScript into tsx's cache (and builds
// the dashboard when it was never built); it counts as the warm-up.
//
// Interleaved with it, the floor any TypeScript CLI run the same way pays: node with tsx
// loading a one-line .ts file that prints the same line (tsx starts a loader thread and
// esbuild before the first module loads).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarize, type Summary } from "../lib/stats.ts";

const BIN = fileURLToPath(new URL("../../bin/cursor-relay.js", import.meta.url));
const FLOOR = fileURLToPath(new URL("../lib/listening-line.ts", import.meta.url));

export interface StartupResult {
  ms: Summary;
  /** node + tsx + a one-line .ts file printing `listening on`, measured between the serve runs. */
  tsxFloorMs: Summary;
  /** The warm-up start (tsx cache, and the dashboard build on a fresh checkout). */
  firstStartMs: number;
}

/** ms from spawn to the `listening on` line; then stops the process and waits for it to exit. */
function startOnce(dataDir: string, floor = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const args = floor ? ["--import", "tsx", FLOOR] : [BIN, "serve", "--port", "0", "--secret-store", "file"];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, CURSOR_RELAY_DATA_DIR: dataDir, CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let ms: number | null = null;
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      if (ms === null && out.includes("listening on ")) {
        ms = performance.now() - t0;
        child.kill("SIGTERM");
      }
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => (err += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.once("exit", () => {
      clearTimeout(timer);
      if (ms === null) reject(new Error(`serve never said listening: ${err.slice(0, 500)}`));
      else resolve(ms);
    });
  });
}

export async function startupFigure(runs = 7): Promise<StartupResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "cr-bench-serve-"));
  try {
    const firstStartMs = await startOnce(dataDir);
    await startOnce(dataDir);
    await startOnce(dataDir, true);
    const times: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(await startOnce(dataDir));
      floor.push(await startOnce(dataDir, true));
    }
    return { ms: summarize(times), tsxFloorMs: summarize(floor), firstStartMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
