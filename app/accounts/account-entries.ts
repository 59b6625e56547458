// The accounts' metadata in settings.json (`accounts.<id>`, never a token): the one place
// that reads and writes it. Read leniently (a field of the wrong type is dropped, and
// malformedAccountEntries names it); written whole, through the settings store.
import { RelayError } from "../base/errors.ts";
import { numOrNull, strOrNull } from "../base/json-file.ts";
import type { SettingsStore } from "./settings-store.ts";
import { displayLabelFor, subToShortHash } from "./identity.ts";
import type { AccountInfo } from "./registry.ts";

/** What settings.json holds per account (`accounts.<id>`). No secrets. */
export interface StoredAccount {
  label: string | null;
  sub: string | null;
  subHash: string | null;
  expiresAt: number;
  addedAt: number;
  updatedAt: number;
  lastRefreshAt: number | null;
  authExpiredAt: number | null;
  authExpiredReason: string | null;
  credentialsMissing: boolean;
}

const SETTINGS_KEY = "accounts";

export function notFound(id: string): RelayError {
  return new RelayError({
    kind: "not_found",
    status: 404,
    message: `no account ${JSON.stringify(id)}; run \`cursor-relay accounts\` to see the account ids`,
  });
}

export function toInfo(id: string, s: StoredAccount): AccountInfo {
  return {
    id,
    label: s.label,
    displayLabel: displayLabelFor(s.label, s.subHash),
    sub: s.sub,
    subHash: s.subHash,
    tokenExpiresAt: s.expiresAt,
    addedAt: s.addedAt,
    updatedAt: s.updatedAt,
    lastRefreshAt: s.lastRefreshAt,
    authExpired: s.authExpiredAt !== null,
    authExpiredReason: s.authExpiredReason,
    credentialsMissing: s.credentialsMissing,
  };
}

function readStored(v: unknown): StoredAccount | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  const sub = strOrNull(o.sub);
  return {
    label: strOrNull(o.label),
    sub,
    subHash: strOrNull(o.subHash) ?? (sub === null ? null : subToShortHash(sub)),
    expiresAt: numOrNull(o.expiresAt) ?? 0,
    addedAt: numOrNull(o.addedAt) ?? 0,
    updatedAt: numOrNull(o.updatedAt) ?? 0,
    lastRefreshAt: numOrNull(o.lastRefreshAt),
    authExpiredAt: numOrNull(o.authExpiredAt),
    authExpiredReason: strOrNull(o.authExpiredReason),
    credentialsMissing: o.credentialsMissing === true,
  };
}

/**
 * Names every `accounts` entry of settings.json the registry cannot use as written (not
 * an object, an id that is not an account id, a field of the wrong type), so nothing
 * is dropped or defaulted without a word.
 */
export function malformedAccountEntries(settings: SettingsStore): string[] {
  const raw = settings.get(SETTINGS_KEY);
  if (raw === undefined) return [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return [`settings "accounts" is ${JSON.stringify(raw)}, not an object; no account is listed`];
  const problems: string[] = [];
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);
  for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
    const where = `settings entry accounts[${JSON.stringify(id)}]`;
    if (!(id === "cursor" || id.startsWith("cursor."))) problems.push(`${where} has an id that is not an account id (cursor or cursor.<label>)`);
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push(`${where} is ${show(v)}, not an object; the account is ignored`);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const f of ["label", "sub", "subHash", "authExpiredReason"]) {
      if (f in o && o[f] !== null && typeof o[f] !== "string") problems.push(`${where}.${f} is ${show(o[f])}, not a string; it is ignored`);
    }
    for (const f of ["expiresAt", "addedAt", "updatedAt", "lastRefreshAt", "authExpiredAt"]) {
      if (f in o && o[f] !== null && !(typeof o[f] === "number" && Number.isFinite(o[f]))) problems.push(`${where}.${f} is ${show(o[f])}, not a number; it is ignored`);
    }
  }
  return problems;
}

export interface AccountEntries {
  /** Every readable entry (no prototype: an id like "__proto__" finds nothing of Object's). */
  readAll(): Record<string, StoredAccount>;
  writeAll(all: Record<string, StoredAccount>): void;
  /** The entry, or a clear not_found RelayError. */
  require(id: string): StoredAccount;
  /** Merges `patch` into the entry and writes; not_found when it is gone. */
  update(id: string, patch: Partial<StoredAccount>): StoredAccount;
}

export function createAccountEntries(settings: SettingsStore): AccountEntries {
  const readAll = (): Record<string, StoredAccount> => {
    const raw = settings.get(SETTINGS_KEY);
    const out = Object.create(null) as Record<string, StoredAccount>;
    if (typeof raw === "object" && raw !== null) {
      for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
        const s = readStored(v);
        if (s) out[id] = s;
      }
    }
    return out;
  };
  const writeAll = (all: Record<string, StoredAccount>) => settings.set(SETTINGS_KEY, all);
  return {
    readAll,
    writeAll,
    require(id) {
      const s = readAll()[id];
      if (!s) throw notFound(id);
      return s;
    },
    update(id, patch) {
      const all = readAll();
      const s = all[id];
      if (!s) throw notFound(id);
      const next = { ...s, ...patch };
      all[id] = next;
      writeAll(all);
      return next;
    },
  };
}
