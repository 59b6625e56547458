// Where tokens live. The OS keychain (keytar) by default; an encrypted file in the
// data dir only when the user explicitly chooses `--secret-store file`. Everything
// else (labels, expiry, usage) is non-secret and lives in the settings store.
//
// Keychain entries are scoped per data folder (the service names the folder's id).
// Entry names: one entry per account, named by the account id (always `cursor` or
// `cursor.<…>`), holding JSON `{accessToken, refreshToken}`; plus the reserved entry
// `relay-key` holding the relay's client API key (a plain string). Account ids can
// never collide with it because they all start with "cursor".

import { RelayError } from "../base/errors.ts";
import type { RelayKeyEntry } from "../base/runtime-file.ts";
import { readTokenClaims, subToShortHash } from "./identity.ts";

export interface Secrets {
  accessToken: string;
  refreshToken: string;
}

export interface SecretStore {
  /** Which backend this is, for messages ("keychain" or "file"). */
  readonly kind: "keychain" | "file" | "memory";
  get(accountId: string): Promise<Secrets | null>;
  set(accountId: string, secrets: Secrets): Promise<void>;
  delete(accountId: string): Promise<void>;
  /**
   * The relay's client API key, stored under the reserved name `relay-key`; `relay-key-running`
   * holds a key given on the command line (--api-key) while the relay that uses it runs.
   */
  getRelayKey(entry?: RelayKeyEntry): Promise<string | null>;
  setRelayKey(key: string, entry?: RelayKeyEntry): Promise<void>;
  deleteRelayKey(entry?: RelayKeyEntry): Promise<void>;
}

/**
 * `management-key-running` holds the running relay's management key, so `cursor-relay accounts`
 * (another process of the same user) can drive that relay through its management API.
 */
export type { RelayKeyEntry } from "../base/runtime-file.ts";

/** Keychain service name; a data folder's entries use `<this>/<data folder id>`. */
export const SECRET_SERVICE = "cursor-relay";
/** Reserved entry name for the relay API key. */
export const RELAY_KEY_ENTRY: RelayKeyEntry = "relay-key";

/** A raw name → string backend; the typed SecretStore is built on top of it. */
export interface RawSecretBackend {
  getRaw(name: string): Promise<string | null>;
  setRaw(name: string, value: string): Promise<void>;
  deleteRaw(name: string): Promise<void>;
}

export function assertAccountEntryName(accountId: string): void {
  if (accountId === RELAY_KEY_ENTRY || accountId === "relay-key-running" || accountId === "management-key-running" || !(accountId === "cursor" || accountId.startsWith("cursor."))) {
    throw new Error(`secret store: ${JSON.stringify(accountId)} is not an account id`);
  }
}

function parseSecrets(text: string | null): Secrets | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<Secrets>;
    if (typeof v.accessToken === "string" && typeof v.refreshToken === "string") {
      return { accessToken: v.accessToken, refreshToken: v.refreshToken };
    }
  } catch {
    // fall through: a damaged entry reads as missing (the account needs a new login)
  }
  return null;
}

/**
 * An entry is never overwritten with another Cursor user's tokens: that would silently
 * swap which user an account id stands for (and lose the other user's login).
 */
function refuseOtherUser(kind: SecretStore["kind"], accountId: string, existing: Secrets | null, next: Secrets): void {
  if (existing === null) return;
  const was = readTokenClaims(existing.accessToken).sub;
  const now = readTokenClaims(next.accessToken).sub;
  if (was === null || now === null || was === now) return;
  throw new RelayError({
    kind: "invalid_request",
    status: 409,
    message:
      `the ${kind} entry ${accountId} holds the tokens of another Cursor user (Cursor ${subToShortHash(was)}), ` +
      `not of this login (Cursor ${subToShortHash(now)}); nothing was overwritten. ` +
      `Log in with a different --label, or remove ${accountId} first`,
  });
}

export function secretStoreOver(kind: SecretStore["kind"], raw: RawSecretBackend): SecretStore {
  return {
    kind,
    async get(accountId) {
      assertAccountEntryName(accountId);
      return parseSecrets(await raw.getRaw(accountId));
    },
    async set(accountId, secrets) {
      assertAccountEntryName(accountId);
      refuseOtherUser(kind, accountId, parseSecrets(await raw.getRaw(accountId)), secrets);
      await raw.setRaw(accountId, JSON.stringify({ accessToken: secrets.accessToken, refreshToken: secrets.refreshToken }));
    },
    async delete(accountId) {
      assertAccountEntryName(accountId);
      await raw.deleteRaw(accountId);
    },
    getRelayKey: (entry = RELAY_KEY_ENTRY) => raw.getRaw(entry),
    setRelayKey: (key, entry = RELAY_KEY_ENTRY) => raw.setRaw(entry, key),
    deleteRelayKey: (entry = RELAY_KEY_ENTRY) => raw.deleteRaw(entry),
  };
}

/** In-memory secrets (unit tests; never used by the relay itself). */
export function createMemorySecretStore(): SecretStore & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const store = secretStoreOver("memory", {
    getRaw: async (name) => entries.get(name) ?? null,
    setRaw: async (name, value) => void entries.set(name, value),
    deleteRaw: async (name) => void entries.delete(name),
  });
  return Object.assign(store, { entries });
}

/**
 * Opens the real store on first use only, so commands that never touch a secret
 * (listing, relabelling) work without a keychain.
 */
export function lazySecretStore(kind: SecretStore["kind"], open: () => Promise<SecretStore>): SecretStore {
  let opened: Promise<SecretStore> | null = null;
  const store = () => (opened ??= open());
  return {
    kind,
    get: async (id) => (await store()).get(id),
    set: async (id, s) => (await store()).set(id, s),
    delete: async (id) => (await store()).delete(id),
    getRelayKey: async (entry) => (await store()).getRelayKey(entry),
    setRelayKey: async (k, entry) => (await store()).setRelayKey(k, entry),
    deleteRelayKey: async (entry) => (await store()).deleteRelayKey(entry),
  };
}
