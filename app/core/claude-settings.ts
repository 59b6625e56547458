// "Configure Claude Code": writes ANTHROPIC_BASE_URL and ANTHROPIC_AUTH_TOKEN into the
// `env` of ~/.claude/settings.json, keeping every other setting, after a timestamped
// backup of the file as it was; undo puts the newest backup back (or removes the file
// when there was none before).
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { RelayError } from "./errors.ts";
import { writeFileAtomic } from "./json-file.ts";
import type { ConfigureClaudeCodeResult } from "./control-api.ts";

export const claudeSettingsPath = (home: string = homedir()): string => join(home, ".claude", "settings.json");

const BACKUP_INFIX = ".cursor-relay-backup-";
const NONE_MARK = "(none)";

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, "-");

function readSettings(path: string): { text: string | null; value: Record<string, unknown> } {
  if (!existsSync(path)) return { text: null, value: {} };
  const text = readFileSync(path, "utf8");
  if (text.trim() === "") return { text, value: {} };
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
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RelayError({ kind: "config", status: 409, message: `${path} does not hold a JSON object; nothing was changed` });
  }
  return { text, value: value as Record<string, unknown> };
}

export function configureClaudeCode(options: { baseUrl: string; relayKey: string; now: number; home?: string }): ConfigureClaudeCodeResult {
  const path = claudeSettingsPath(options.home);
  const { text, value } = readSettings(path);
  const backupPath = `${path}${BACKUP_INFIX}${stamp(options.now)}`;
  // The backup records "there was no file" too, so undo can restore that.
  writeFileAtomic(backupPath, text ?? NONE_MARK);
  const env = typeof value.env === "object" && value.env !== null && !Array.isArray(value.env) ? (value.env as Record<string, unknown>) : {};
  const next = { ...value, env: { ...env, ANTHROPIC_BASE_URL: options.baseUrl, ANTHROPIC_AUTH_TOKEN: options.relayKey } };
  writeFileAtomic(path, JSON.stringify(next, null, 2) + "\n");
  return { settingsPath: path, backupPath };
}

/** Restores the newest backup this relay made; throws 404 when there is none. */
export function undoConfigureClaudeCode(options: { home?: string } = {}): { settingsPath: string; restoredFrom: string } {
  const path = claudeSettingsPath(options.home);
  const dir = dirname(path);
  const prefix = basename(path) + BACKUP_INFIX;
  const backups = existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(prefix)).sort() : [];
  const newest = backups[backups.length - 1];
  if (!newest) throw new RelayError({ kind: "not_found", status: 404, message: "there is no Claude Code configuration to undo" });
  const backup = join(dir, newest);
  const text = readFileSync(backup, "utf8");
  if (text === NONE_MARK) rmSync(path, { force: true });
  else writeFileAtomic(path, text);
  rmSync(backup, { force: true });
  return { settingsPath: path, restoredFrom: backup };
}
