// "Configure Claude Code": writes ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN into the
// `env` of ~/.claude/settings.json, keeping every other setting. Each Configure leaves a
// timestamped record next to the file: the file as it was, plus fingerprints of what
// Configure wrote. Undo takes the newest record and puts back exactly what Configure
// changed: byte for byte when the file is still as Configure left it; otherwise only the
// two keys (restored or removed), keeping every other edit. When those two keys were
// changed since, Undo refuses and changes nothing.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { RelayError } from "../base/errors.ts";
import { writeFileAtomic } from "../base/json-file.ts";
import type { ConfigureClaudeCodeResult } from "../base/control-api.ts";

export const claudeSettingsPath = (home: string = homedir()): string => join(home, ".claude", "settings.json");

const BACKUP_INFIX = ".cursor-relay-backup-";
/** Records written before key-level undo: the old file's text, or this mark for "no file". */
const NONE_MARK = "(none)";
const RECORD_FORMAT = "cursor-relay-configure-claude-code/2";
const KEYS = ["ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"] as const;

type Obj = Record<string, unknown>;

/** What one Configure changed. Values written are kept as fingerprints only (one is the relay key). */
interface ConfigureRecord {
  format: typeof RECORD_FORMAT;
  /** The file's text before Configure; null when there was no file. */
  before: string | null;
  /** sha256 of the whole file Configure wrote, and of each key's value. */
  wroteFile: string;
  wroteKeys: Record<string, string>;
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, "-");
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const envOf = (value: Obj): Obj | null => (isObj(value.env) ? value.env : null);

function parseSettings(path: string, text: string): Obj {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RelayError({
      kind: "config",
      status: 409,
      message: `${path} is not valid JSON; fix or move it, then try again (nothing was changed)`,
    });
  }
  if (!isObj(value)) throw new RelayError({ kind: "config", status: 409, message: `${path} does not hold a JSON object; nothing was changed` });
  return value;
}

function readSettings(path: string): { text: string | null; value: Obj } {
  if (!existsSync(path)) return { text: null, value: {} };
  const text = readFileSync(path, "utf8");
  return { text, value: parseSettings(path, text) };
}

/** A port chosen by the OS (`--port 0`) changes on every start, so a saved address goes stale. */
export function ephemeralPortWarning(baseUrl: string): string {
  return (
    `the relay listens on an ephemeral port (${baseUrl}, from --port 0): the address written into Claude Code's settings ` +
    "stops working when the relay restarts. Start the relay with a fixed --port and press Configure again."
  );
}

export function configureClaudeCode(options: { baseUrl: string; relayKey: string; now: number; home?: string; ephemeralPort?: boolean }): ConfigureClaudeCodeResult {
  const path = claudeSettingsPath(options.home);
  const { text, value } = readSettings(path);
  const env = envOf(value) ?? {};
  const next = { ...value, env: { ...env, ANTHROPIC_BASE_URL: options.baseUrl, ANTHROPIC_AUTH_TOKEN: options.relayKey } };
  const written = JSON.stringify(next, null, 2) + "\n";
  const record: ConfigureRecord = {
    format: RECORD_FORMAT,
    before: text,
    wroteFile: sha256(written),
    wroteKeys: { ANTHROPIC_BASE_URL: sha256(options.baseUrl), ANTHROPIC_AUTH_TOKEN: sha256(options.relayKey) },
  };
  // Records sort by name = by time; two Configures in the same millisecond get distinct, ordered names.
  let at = options.now;
  while (existsSync(`${path}${BACKUP_INFIX}${stamp(at)}`)) at++;
  const backupPath = `${path}${BACKUP_INFIX}${stamp(at)}`;
  writeFileAtomic(backupPath, JSON.stringify(record) + "\n");
  writeFileAtomic(path, written);
  return { settingsPath: path, backupPath, ...(options.ephemeralPort ? { warning: ephemeralPortWarning(options.baseUrl) } : {}) };
}

function readRecord(path: string): { before: string | null; wroteFile: string | null; wroteKeys: Record<string, string> | null } {
  const text = readFileSync(path, "utf8");
  if (text === NONE_MARK) return { before: null, wroteFile: null, wroteKeys: null };
  try {
    const v = JSON.parse(text) as Partial<ConfigureRecord>;
    if (v.format === RECORD_FORMAT && (v.before === null || typeof v.before === "string") && typeof v.wroteFile === "string" && isObj(v.wroteKeys)) {
      return { before: v.before, wroteFile: v.wroteFile, wroteKeys: v.wroteKeys as Record<string, string> };
    }
  } catch {
    // an older record: the file's text itself
  }
  return { before: text, wroteFile: null, wroteKeys: null };
}

/**
 * Undoes the newest Configure (see the file comment). Throws 404 when there is nothing to
 * undo, 409 when the keys Configure wrote were changed since (the record is kept).
 */
export function undoConfigureClaudeCode(options: { home?: string } = {}): { settingsPath: string; restoredFrom: string } {
  const path = claudeSettingsPath(options.home);
  const dir = dirname(path);
  const prefix = basename(path) + BACKUP_INFIX;
  const backups = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(prefix)).sort() : [];
  const newest = backups[backups.length - 1];
  if (!newest) throw new RelayError({ kind: "not_found", status: 404, message: "there is no Claude Code configuration to undo" });
  const recordPath = join(dir, newest);
  const record = readRecord(recordPath);
  const current = existsSync(path) ? readFileSync(path, "utf8") : null;
  const edited = (what: string) =>
    new RelayError({
      kind: "config",
      status: 409,
      message: `${what} in ${path} was changed after Configure, so Undo would lose that change; nothing was undone. Edit the file by hand instead`,
    });

  if (current !== null && record.wroteFile !== null && sha256(current) === record.wroteFile) {
    // Untouched since Configure: put back exactly the file that was there.
    if (record.before === null) rmSync(path, { force: true });
    else writeFileAtomic(path, record.before);
  } else {
    if (current === null) throw edited("the file");
    const now = parseSettings(path, current);
    const env = envOf(now);
    if (record.wroteKeys !== null) {
      for (const key of KEYS) {
        const v = env?.[key];
        if (typeof v !== "string" || sha256(v) !== record.wroteKeys[key]) throw edited(key);
      }
    }
    const beforeValue = record.before === null ? {} : parseSettings(`${recordPath} (the file before Configure)`, record.before);
    const beforeEnv = envOf(beforeValue);
    const nextEnv: Obj = { ...(env ?? {}) };
    for (const key of KEYS) {
      if (beforeEnv !== null && Object.hasOwn(beforeEnv, key)) nextEnv[key] = beforeEnv[key];
      else delete nextEnv[key];
    }
    const next: Obj = { ...now, env: nextEnv };
    // An `env` (or a whole file) that only existed for Configure's keys goes again.
    if (beforeEnv === null && Object.keys(nextEnv).length === 0) delete next.env;
    if (record.before === null && Object.keys(next).length === 0) rmSync(path, { force: true });
    else writeFileAtomic(path, JSON.stringify(next, null, 2) + "\n");
  }
  rmSync(recordPath, { force: true });
  return { settingsPath: path, restoredFrom: recordPath };
}
