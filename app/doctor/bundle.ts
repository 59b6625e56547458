// `cursor-relay doctor --bundle FILE`: one JSON file for a bug report. It holds versions,
// the checks' results, the drift counters, the last upstream errors (codes only), the
// headers of the doctor's own Cursor calls (credentials removed as they were recorded) and
// the data folder's listing (names, sizes, modes — never contents). Before writing, every
// token and key the doctor handled, and anything shaped like a bearer token or a JWT, is
// replaced once more, so no secret can reach the file even through an error message.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { arch, release, type } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { drift } from "../cursor/drift.ts";
import { upstreamErrors } from "../cursor/upstream-errors.ts";
import type { DoctorResult } from "./doctor.ts";
import { JWT } from "./header-capture.ts";

export const BUNDLE_FORMAT = "cursor-relay-diagnostic-bundle/1";

export interface DataDirEntry {
  path: string;
  type: "file" | "dir" | "other";
  size: number;
  mode: string;
}

/** The relay's own version, from the package.json above this module. */
export function relayVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown };
        if (pkg.name === "cursor-relay" && typeof pkg.version === "string") return pkg.version;
      } catch {
        // not ours: keep looking
      }
    }
    dir = dirname(dir);
  }
  return "unknown";
}

/** Names, sizes and modes under the data folder (two levels), never contents. */
export function listDataDir(dataDir: string, depth = 2): DataDirEntry[] {
  const out: DataDirEntry[] = [];
  const walk = (dir: string, prefix: string, left: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let s;
      try {
        s = statSync(full);
      } catch {
        continue;
      }
      const kind = s.isDirectory() ? "dir" : s.isFile() ? "file" : "other";
      out.push({ path: prefix + name, type: kind, size: kind === "file" ? s.size : 0, mode: (s.mode & 0o777).toString(8).padStart(4, "0") });
      if (kind === "dir" && left > 1) walk(full, `${prefix}${name}/`, left - 1);
    }
  };
  walk(dataDir, "", depth);
  return out;
}

// Stops at a quote or a backslash: the text scrubbed here is JSON, not one header value.
const BEARER = /\bBearer\s+[^\s"\\]+/gi;

/** Removes every listed secret, and anything that looks like a bearer token or a JWT. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("<redacted>");
  return out.replace(BEARER, "Bearer <redacted>").replace(JWT, "<redacted>");
}

export function buildBundle(input: { dataDir: string; result: DoctorResult; now: number }): string {
  const { result } = input;
  const bundle = {
    format: BUNDLE_FORMAT,
    generatedAt: new Date(input.now).toISOString(),
    versions: {
      relay: relayVersion(),
      node: process.version,
      os: `${type()} ${release()} ${arch()}`,
      cursorClientVersion: result.clientVersion,
    },
    ok: result.report.ok,
    checks: result.report.checks,
    selfTestTokens: result.report.selfTestTokens,
    drift: drift.entries(),
    upstreamErrors: upstreamErrors.list(),
    cursorHeaders: result.headers,
    dataDir: { path: input.dataDir, entries: listDataDir(input.dataDir) },
  };
  return scrub(JSON.stringify(bundle, null, 2), result.secretsSeen) + "\n";
}

/** Writes the bundle (0600) and returns its absolute path. */
export function writeBundle(file: string, input: { dataDir: string; result: DoctorResult; now: number }): string {
  const path = resolve(file);
  writeFileSync(path, buildBundle(input), { mode: 0o600 });
  return path;
}
