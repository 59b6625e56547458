// Which entry point `cursor-relay` runs: the compiled command line under dist/cli while it
// is newer than every TypeScript source it was built from, else null (run the sources).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newestTsMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTsMtime(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The compiled entry's path, or null when it is missing, stale, or the sources are forced. */
export function compiledCliIfFresh(root, env = process.env) {
  const compiled = join(root, "dist", "cli", "main.mjs");
  if (env.CURSOR_RELAY_FROM_SOURCE === "1" || !existsSync(compiled)) return null;
  const built = statSync(compiled).mtimeMs;
  const fresh = built >= newestTsMtime(join(root, "app")) && built >= newestTsMtime(join(root, "proto", "gen"));
  return fresh ? compiled : null;
}
