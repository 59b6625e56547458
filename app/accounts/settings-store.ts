// Non-secret settings (account metadata: label, sub, expiry, added-at, disabled; quota,
// model map and Cursor tuning sections) in one JSON file, `<dataDir>/settings.json`.
// Both faces use the same implementation: conf (the library under electron-store) opens
// the file; the headless face and the CLI construct Conf, the Electron face electron-store
// (app/electron/settings-store-electron.ts), which is a Conf. conf 14 is pinned because it
// runs on Node 20; newer majors need Node 22, and the core must run on plain Node 20.
// Keys use conf's dot notation (dot-prop: `a.b`, `\.` for a literal dot, see escapeKey).
//
// conf reads and parses the whole file on every access, so a change made by another
// process (the CLI while the relay runs) is seen at once. The registry reads settings
// several times per request, so reads go through a cache of the parsed file kept while
// the file's stat fingerprint is unchanged; writes go through conf (atomic, 0600).
import { statSync } from "node:fs";
import { join } from "node:path";
import Conf, { type Options } from "conf";
import { deleteProperty, escapePath, getProperty, hasProperty, setProperty } from "dot-prop";
import { ensurePrivateDir } from "../base/json-file.ts";
import { RelayError } from "../base/errors.ts";

export interface SettingsStore {
  get(key: string): unknown;
  /** `undefined` removes the key. */
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** The whole store (a copy: changing it changes nothing). */
  readonly store: Record<string, unknown>;
}

export const SETTINGS_FILE = "settings.json";
/** The file's name without `.json`, as conf (`configName`) and electron-store (`name`) take it. */
export const SETTINGS_NAME = SETTINGS_FILE.replace(/\.json$/, "");

type Obj = Record<string, unknown>;
export type SettingsConf = Conf<Obj>;
/** The options both faces open the file with (the caller adds the file name). */
export type SettingsFileOptions = Pick<Options<Obj>, "cwd" | "configFileMode" | "serialize" | "deserialize" | "clearInvalidConfig">;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Escapes a literal key segment (e.g. an account id containing dots). */
export const escapeKey = (segment: string): string => escapePath(segment);

// A JSON round trip, as the file would do: no shared references, no undefined. A function
// can only be an inherited member (`a.toString`), never a stored value.
const copy = <T>(v: T): T => (v === undefined || typeof v === "function" ? (undefined as T) : (JSON.parse(JSON.stringify(v)) as T));

function parseSettings(path: string, text: string): Obj {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new RelayError({ kind: "config", status: 500, message: `settings file ${path} is not valid JSON (${reason}); fix or remove it`, cause: e });
  }
  if (!isObj(value)) throw new RelayError({ kind: "config", status: 500, message: `settings file ${path} must hold a JSON object; fix or remove it` });
  return value;
}

export function settingsFileOptions(dataDir: string): SettingsFileOptions {
  const path = join(dataDir, SETTINGS_FILE);
  return {
    cwd: dataDir,
    configFileMode: 0o600,
    serialize: (value) => JSON.stringify(value, null, 2) + "\n",
    // Throws on a damaged file, so conf never replaces the user's settings with `{}`.
    deserialize: (text) => parseSettings(path, text),
    clearInvalidConfig: false,
  };
}

/** Where the store's content lives; the store adds key paths, copies and "undefined removes". */
interface SettingsBackend {
  /** The current content (shared: the store copies what leaves it). */
  read(): Obj;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

function storeOver(backend: SettingsBackend): SettingsStore {
  const remove = (key: string) => {
    if (hasProperty(backend.read(), key)) backend.delete(key);
  };
  return {
    get: (key) => copy(getProperty(backend.read(), key)),
    set: (key, value) => (value === undefined ? remove(key) : backend.set(key, copy(value))),
    delete: remove,
    get store() {
      return copy(backend.read());
    },
  };
}

/** "Has the file changed since it was parsed": its inode, size and times (null: no file). */
function fingerprintOf(path: string): string | null {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * The settings file through conf. `open` builds the Conf (or electron-store) from the
 * options; it runs on first need (a read of an existing file, or a write), so opening the
 * store creates nothing and a damaged file fails the first read, not the open.
 */
export function createConfSettingsStore(dataDir: string, open: (options: SettingsFileOptions) => SettingsConf): SettingsStore {
  const path = join(dataDir, SETTINGS_FILE);
  let conf: SettingsConf | null = null;
  const confOf = (): SettingsConf => {
    // conf would create a missing folder with the default mode; the data folder is private.
    if (!conf) ensurePrivateDir(dataDir);
    return (conf ??= open(settingsFileOptions(dataDir)));
  };
  // Writes here and in other processes are atomic renames (a new inode), and an editor's
  // in-place save changes mtime or size, so the fingerprint sees every change.
  let cached: { fingerprint: string; root: Obj } | null = null;
  const written = () => {
    cached = null;
  };
  return storeOver({
    read() {
      const fingerprint = fingerprintOf(path);
      if (fingerprint === null) {
        cached = null;
        return {};
      }
      if (cached?.fingerprint !== fingerprint) cached = { fingerprint, root: confOf().store };
      return cached.root;
    },
    set(key, value) {
      confOf().set(key, value);
      written();
    },
    delete(key) {
      confOf().delete(key);
      written();
    },
  });
}

/** The headless face's store (serve, the CLI): conf itself. */
export function createFileSettingsStore(dataDir: string): SettingsStore {
  return createConfSettingsStore(dataDir, (options) => new Conf<Obj>({ ...options, configName: SETTINGS_NAME }));
}

/** An in-memory store with the same key paths and copies (tests, and callers that persist nothing). */
export function createMemorySettingsStore(initial: Record<string, unknown> = {}): SettingsStore {
  const root: Obj = copy(initial);
  return storeOver({
    read: () => root,
    set: (key, value) => void setProperty(root, key, value),
    delete: (key) => void deleteProperty(root, key),
  });
}
