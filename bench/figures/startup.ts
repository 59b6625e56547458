// Start-up: `cursor-relay serve` (bin/cursor-relay.js, like `npx cursor-relay serve`)
// from spawning the process to its `listening on` line, with the file secret store in a
// temp data dir (CURSOR_RELAY_DATA_DIR), so no keychain is needed. The CLI is compiled
// first, as `npm ci` does through `prepare` (scripts/build-cli.ts), so this is what an
// installed relay pays. The first start counts as the warm-up (it builds the dashboard
// when a checkout never built it).
//
// Interleaved with it, for scale: the same command run from the TypeScript sources
// (CURSOR_RELAY_FROM_SOURCE=1, what an edited checkout pays through tsx).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli } from "../../scripts/build-cli.ts";
import { summarize, type Summary } from "../lib/stats.ts";

const BIN = fileURLToPath(new URL("../../bin/cursor-relay.js", import.meta.url));

export interface StartupResult {
  ms: Summary;
  /** The same start from the TypeScript sources through tsx, measured between the compiled runs. */
  fromSourceMs: Summary;
  /** The warm-up start (tsx cache, and the dashboard build on a fresh checkout). */
  firstStartMs: number;
}

/** ms from spawn to the `listening on` line; then stops the process and waits for it to exit. */
function startOnce(dataDir: string, fromSource = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--secret-store", "file"], {
      env: {
        ...process.env,
        CURSOR_RELAY_DATA_DIR: dataDir,
        CURSOR_RELAY_CURSOR_API: "http://127.0.0.1:9",
        CURSOR_RELAY_FROM_SOURCE: fromSource ? "1" : "0",
      },
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
  await buildCli();
  const dataDir = mkdtempSync(join(tmpdir(), "cr-bench-serve-"));
  try {
    const firstStartMs = await startOnce(dataDir);
    await startOnce(dataDir);
    await startOnce(dataDir, true);
    const times: number[] = [];
    const fromSource: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(await startOnce(dataDir));
      fromSource.push(await startOnce(dataDir, true));
    }
    return { ms: summarize(times), fromSourceMs: summarize(fromSource), firstStartMs };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
