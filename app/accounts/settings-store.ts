// Non-secret settings (account metadata: label, sub, expiry, added-at, disabled) in
// one JSON file, `<dataDir>/settings.json`. The API is the subset of electron-store the
// relay uses: the Electron face opens the same file with electron-store
// (app/electron/settings-store-electron.ts); the headless face and the CLI, which must
// run on Node 20 where electron-store does not, use this file-backed twin.
// Like electron-store, every read checks the file (a stat; it is parsed again only when
// it changed), so a CLI change is seen by a running relay. Keys use electron-store's dot
// notation (`a.b`; `\.` for a literal dot).
import { statSync } from "node:fs";
import { join } from "node:path";
import { readJson, writeJsonAtomic } from "../base/json-file.ts";
import { RelayError } from "../base/errors.ts";

export interface SettingsStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The whole store (a fresh copy from disk for the file store). */
  readonly store: Record<string, unknown>;
}

export const SETTINGS_FILE = "settings.json";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Splits a dot-notation key the way electron-store (dot-prop) does. */
export function splitKey(key: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === "\\" && key[i + 1] === ".") {
      cur += ".";
      i++;
    } else if (c === ".") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  if (parts.some((p) => p === "" || p === "__proto__" || p === "constructor" || p === "prototype")) {
    throw new RelayError({ kind: "internal", status: 500, message: `settings: bad key ${JSON.stringify(key)}` });
  }
  return parts;
}

/** Escapes a literal key segment (e.g. an account id containing dots). */
export const escapeKey = (segment: string): string => segment.replace(/\./g, "\\.");

function getPath(root: Obj, parts: string[]): unknown {
  let node: unknown = root;
  for (const part of parts) {
    if (!isObj(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function setPath(root: Obj, parts: string[], value: unknown): void {
  let node: Obj = root;
  for (const part of parts.slice(0, -1)) {
    if (!isObj(node[part])) node[part] = {};
    node = node[part] as Obj;
  }
  const last = parts[parts.length - 1]!;
  // A JSON round trip, as the file would do: no shared references, no undefined.
  if (value === undefined) delete node[last];
  else node[last] = JSON.parse(JSON.stringify(value)) as unknown;
}

/** True when something was deleted. */
function deletePath(root: Obj, parts: string[]): boolean {
  const parent = getPath(root, parts.slice(0, -1));
  const last = parts[parts.length - 1]!;
  if (!isObj(parent) || !Object.hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
}

const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export function createFileSettingsStore(dataDir: string): SettingsStore {
  const path = join(dataDir, SETTINGS_FILE);
  // The parsed file, reused while the file is unchanged: the registry reads it several
  // times per request. Writes here and in the CLI are atomic renames (a new inode), and
  // an editor's in-place save changes mtime or size, so the fingerprint sees every change.
  let cached: { fingerprint: string; root: Obj } | null = null;
  const fingerprint = (): string | null => {
    try {
      const st = statSync(path, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  };
  const parse = (): Obj => {
    let value: unknown;
    try {
      value = readJson(path);
    } catch (e) {
      throw new RelayError({
        kind: "config",
        status: 500,
        message: `settings file ${path} is not valid JSON (${e instanceof Error ? e.message : String(e)}); fix or remove it`,
        cause: e,
      });
    }
    if (value === undefined) return {};
    if (!isObj(value)) throw new RelayError({ kind: "config", status: 500, message: `settings file ${path} must hold a JSON object` });
    return value;
  };
  /** The current content (shared: callers copy before they change it). */
  const read = (): Obj => {
    const fp = fingerprint();
    if (fp === null) {
      cached = null;
      return {};
    }
    if (cached?.fingerprint !== fp) cached = { fingerprint: fp, root: parse() };
    return cached.root;
  };
  const write = (root: Obj) => {
    writeJsonAtomic(path, root);
    cached = null;
  };
  return {
    get: (key) => copy(getPath(read(), splitKey(key))),
    set(key, value) {
      const root = copy(read());
      setPath(root, splitKey(key), copy(value));
      write(root);
    },
    delete(key) {
      const root = copy(read());
      if (deletePath(root, splitKey(key))) write(root);
    },
    get store() {
      return copy(read());
    },
  };
}

/** An in-memory store with the same API (tests, and callers that persist nothing). */
export function createMemorySettingsStore(initial: Record<string, unknown> = {}): SettingsStore {
  const root: Obj = copy(initial);
  return {
    get: (key) => copy(getPath(root, splitKey(key))),
    set: (key, value) => setPath(root, splitKey(key), value),
    delete: (key) => void deletePath(root, splitKey(key)),
    get store() {
      return copy(root);
    },
  };
}
