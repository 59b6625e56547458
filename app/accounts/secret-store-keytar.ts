// Secrets in the OS keychain through keytar (macOS Keychain, Windows Credential
// Manager, Secret Service on Linux). Any keytar failure, including "no D-Bus / no
// Secret Service / keyring locked" on a headless Linux box, becomes one clear
// RelayError of kind "keychain" that names the way out (`--secret-store file`).
import { RelayError } from "../base/errors.ts";
import { SECRET_SERVICE, secretStoreOver, type SecretStore } from "./secret-store.ts";

/** The part of keytar's API we use (the Electron shell may pass its own instance). */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarStoreOptions {
  keytar?: KeytarLike;
  service?: string;
  /** How long one keychain call may take before we call the keychain unavailable (a locked keyring may wait for a prompt). */
  timeoutMs?: number;
}

const HINT =
  "Cursor Relay keeps tokens in the OS keychain. On Linux that needs a running Secret Service " +
  "(e.g. gnome-keyring or KeePassXC) on the session D-Bus, unlocked. On a headless machine either start one " +
  "(`dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; cursor-relay …'`) " +
  "or rerun with `--secret-store file` to keep tokens in an encrypted file in the data dir instead.";

export function keychainUnavailable(detail: string, cause?: unknown): RelayError {
  return new RelayError({ kind: "keychain", status: 503, message: `the OS keychain is not available (${detail}). ${HINT}`, cause });
}

async function loadKeytar(): Promise<KeytarLike> {
  try {
    const mod = (await import("keytar")) as unknown as { default?: KeytarLike } & KeytarLike;
    return mod.default ?? mod;
  } catch (e) {
    throw keychainUnavailable(`keytar could not be loaded: ${e instanceof Error ? e.message : String(e)}`, e);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // A real timer on purpose: this guards real I/O against a keychain that never answers
    // (cleared as soon as the call settles, so it never holds the process open for long).
    const t = setTimeout(() => reject(keychainUnavailable(`${what} did not answer within ${ms} ms; is the keyring locked?`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

/**
 * Opens the keychain store and probes it once (a read of a name that never exists),
 * so a missing keychain is reported up front rather than in the middle of a login.
 */
export async function openKeytarSecretStore(options: KeytarStoreOptions = {}): Promise<SecretStore> {
  const keytar = options.keytar ?? (await loadKeytar());
  const service = options.service ?? SECRET_SERVICE;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(fn(), timeoutMs, what);
    } catch (e) {
      if (e instanceof RelayError) throw e;
      throw keychainUnavailable(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, e);
    }
  };
  await call("keychain probe", () => keytar.getPassword(service, "cursor-relay-probe"));
  return secretStoreOver("keychain", {
    getRaw: (name) => call("keychain read", () => keytar.getPassword(service, name)),
    setRaw: (name, value) => call("keychain write", () => keytar.setPassword(service, name, value)),
    deleteRaw: async (name) => void (await call("keychain delete", () => keytar.deletePassword(service, name))),
  });
}
