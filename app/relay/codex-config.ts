// "Configure Codex": points Codex CLI at the relay in ~/.codex/config.toml with a
// `cursor-relay` model provider (Responses wire API, key read from the environment
// variable CURSOR_RELAY_API_KEY, so no key is written to the file) and the top-level
// `model_provider = "cursor-relay"` that selects it. Everything else in the file is
// left byte for byte. A timestamped copy of the file is kept first, and an undo record
// notes exactly what was replaced (the previous `model_provider` line and provider
// table, or that there were none); undo puts those back only where the file still holds
// what the relay wrote, so edits the user made since survive.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { RelayError } from "../base/errors.ts";
import { writeFileAtomic } from "../base/json-file.ts";
import type { ConfigureCodexResult } from "../base/control-api.ts";

export const CODEX_PROVIDER_ID = "cursor-relay";
export const CODEX_ENV_KEY = "CURSOR_RELAY_API_KEY";

export const codexConfigPath = (home: string = homedir()): string => join(home, ".codex", "config.toml");
const undoPath = (configPath: string): string => `${configPath}.cursor-relay-undo.json`;
const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[:.]/g, "-");

/** The provider table Codex needs, as TOML lines (also what `cursor-relay env` prints). */
export function codexProviderToml(baseUrl: string): string[] {
  return [
    `[model_providers.${CODEX_PROVIDER_ID}]`,
    'name = "Cursor Relay"',
    `base_url = ${JSON.stringify(`${baseUrl.replace(/\/+$/, "")}/v1`)}`,
    `env_key = "${CODEX_ENV_KEY}"`,
    'wire_api = "responses"',
  ];
}
export const CODEX_MODEL_PROVIDER_LINE = `model_provider = "${CODEX_PROVIDER_ID}"`;


interface UndoRecord {
  /** The file did not exist before the first configure. */
  created: boolean;
  previousModelProviderLine: string | null;
  previousProviderTable: string | null;
  wroteModelProviderLine: string;
  wroteProviderTable: string;
  backupPath: string | null;
}

const HEADER = /^\s*\[/;
const OUR_HEADER = /^\s*\[\s*model_providers\s*\.\s*(?:"cursor-relay"|'cursor-relay'|cursor-relay)\s*\]\s*(?:#.*)?$/;
const MODEL_PROVIDER = /^\s*model_provider\s*=/;

/** Line range [start, end) of our provider table, or null. */
function providerTable(lines: string[]): [number, number] | null {
  const start = lines.findIndex((l) => OUR_HEADER.test(l));
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && !HEADER.test(lines[end]!)) end++;
  while (end > start + 1 && lines[end - 1]!.trim() === "") end--; // blank lines before the next table stay
  return [start, end];
}

/** Index of the top-level `model_provider` line (before any table), or -1. */
function topLevelModelProvider(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (HEADER.test(lines[i]!)) return -1;
    if (MODEL_PROVIDER.test(lines[i]!)) return i;
  }
  return -1;
}

function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

function readUndo(path: string): UndoRecord | null {
  const text = readText(undoPath(path));
  if (text === null) return null;
  try {
    return JSON.parse(text) as UndoRecord;
  } catch {
    throw new RelayError({ kind: "config", status: 409, message: `${undoPath(path)} is not valid JSON; remove it and try again (nothing was changed)` });
  }
}

export function configureCodex(options: { baseUrl: string; now: number; home?: string }): ConfigureCodexResult {
  const path = codexConfigPath(options.home);
  const text = readText(path);
  const lines = text === null || text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const table = providerTable(lines);
  const previousTable = table ? lines.slice(table[0], table[1]).join("\n") : null;
  const wroteTable = codexProviderToml(options.baseUrl).join("\n");
  if (table) lines.splice(table[0], table[1] - table[0], ...wroteTable.split("\n"));
  else lines.push(...(lines.length > 0 && lines[lines.length - 1]!.trim() !== "" ? [""] : []), ...wroteTable.split("\n"));
  const at = topLevelModelProvider(lines);
  const previousLine = at >= 0 ? lines[at]! : null;
  if (at >= 0) lines[at] = CODEX_MODEL_PROVIDER_LINE;
  else lines.unshift(CODEX_MODEL_PROVIDER_LINE, ...(lines.length > 0 && !HEADER.test(lines[0]!) ? [] : [""]));

  const backupPath = text === null ? null : `${path}.cursor-relay-backup-${stamp(options.now)}`;
  if (backupPath !== null) writeFileAtomic(backupPath, text!);
  // A second configure keeps what the first one replaced: that is what undo must restore.
  const earlier = readUndo(path);
  const record: UndoRecord = earlier
    ? { ...earlier, wroteModelProviderLine: CODEX_MODEL_PROVIDER_LINE, wroteProviderTable: wroteTable }
    : {
        created: text === null,
        previousModelProviderLine: previousLine,
        previousProviderTable: previousTable,
        wroteModelProviderLine: CODEX_MODEL_PROVIDER_LINE,
        wroteProviderTable: wroteTable,
        backupPath,
      };
  writeFileAtomic(undoPath(path), JSON.stringify(record, null, 2) + "\n");
  writeFileAtomic(path, lines.join("\n") + "\n");
  return { configPath: path, backupPath };
}

/** Puts back what configureCodex replaced; throws 404 when there is nothing to undo. */
export function undoConfigureCodex(options: { home?: string } = {}): { configPath: string } {
  const path = codexConfigPath(options.home);
  const record = readUndo(path);
  if (!record) throw new RelayError({ kind: "not_found", status: 404, message: "there is no Codex configuration to undo" });
  const text = readText(path) ?? "";
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const table = providerTable(lines);
  if (table && lines.slice(table[0], table[1]).join("\n") === record.wroteProviderTable) {
    const replacement = record.previousProviderTable === null ? [] : record.previousProviderTable.split("\n");
    lines.splice(table[0], table[1] - table[0], ...replacement);
    if (replacement.length === 0 && table[0] > 0 && lines[table[0] - 1]?.trim() === "" && (lines[table[0]] === undefined || lines[table[0]]!.trim() === "")) {
      lines.splice(table[0] - 1, 1); // the blank line configure put before the table
    }
  }
  const at = topLevelModelProvider(lines);
  if (at >= 0 && lines[at] === record.wroteModelProviderLine) {
    if (record.previousModelProviderLine !== null) lines[at] = record.previousModelProviderLine;
    else {
      lines.splice(at, 1);
      if (at === 0 && lines[0]?.trim() === "") lines.splice(0, 1); // the blank line configure put after it
    }
  }
  const rest = lines.join("\n");
  if (record.created && rest.trim() === "") rmSync(path, { force: true });
  else writeFileAtomic(path, rest + "\n");
  rmSync(undoPath(path), { force: true });
  return { configPath: path };
}
