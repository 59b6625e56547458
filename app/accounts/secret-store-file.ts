// Secrets in a file, for machines without an OS keychain, only when the user asks for
// it (`--secret-store file`). `<dataDir>/secrets.json` (0600) holds each entry
// encrypted with AES-256-GCM (the entry name is authenticated data, so entries
// cannot be swapped) under a random key in `<dataDir>/secrets.key` (0600).
//
// Honest limits: the key sits next to the data, so this only keeps tokens out of
// casual reads, grep, log collectors and backups that skip the key file. Anyone who
// can read both files as this user can decrypt them. Hence the warning on open.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RelayError } from "../base/errors.ts";
import { readJson, writeFileAtomic, writeJsonAtomic } from "../base/json-file.ts";
import { secretStoreOver, type SecretStore } from "./secret-store.ts";

export const SECRETS_FILE = "secrets.json";
export const SECRETS_KEY_FILE = "secrets.key";

export interface FileSecretStoreOptions {
  dataDir: string;
  /** Told once, when the store is opened, that tokens are in a file rather than the keychain. */
  warn: (message: string) => void;
}

interface SecretsFile {
  version: 1;
  /** name → base64(iv[12] | tag[16] | ciphertext) */
  entries: Record<string, string>;
}

const fileError = (message: string, cause?: unknown) => new RelayError({ kind: "keychain", status: 500, message, cause });

interface SecretsPaths {
  dataPath: string;
  keyPath: string;
}

/** The entries in secrets.json; an absent file is empty, a damaged or unknown one throws. */
function readSecretsFile({ dataPath }: SecretsPaths): SecretsFile {
  let v: unknown;
  try {
    v = readJson(dataPath);
  } catch (e) {
    throw fileError(`${dataPath} is damaged (${e instanceof Error ? e.message : String(e)}); remove it and log in again`, e);
  }
  if (v === undefined) return { version: 1, entries: {} };
  const f = v as Partial<SecretsFile>;
  if (f.version !== 1 || typeof f.entries !== "object" || f.entries === null) {
    throw fileError(`${dataPath} has an unknown format; remove it and log in again`);
  }
  return { version: 1, entries: { ...f.entries } };
}

/** The key in secrets.key; with `create`, a new random key is written when there is none (else null). */
function readSecretsKey({ dataPath, keyPath }: SecretsPaths, create: boolean): Buffer | null {
  let text: string;
  try {
    text = readFileSync(keyPath, "utf8").trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw fileError(`cannot read ${keyPath}: ${(e as Error).message}`, e);
    if (!create) return null;
    const key = randomBytes(32);
    writeFileAtomic(keyPath, key.toString("hex") + "\n");
    return key;
  }
  const key = Buffer.from(text, "hex");
  if (key.length !== 32) throw fileError(`${keyPath} is not a 256-bit hex key; remove ${keyPath} and ${dataPath} and log in again`);
  return key;
}

/** base64(iv[12] | tag[16] | ciphertext), the entry name authenticated with it. */
function encryptEntry(key: Buffer, name: string, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(name, "utf8"));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

function decryptEntry({ dataPath, keyPath }: SecretsPaths, key: Buffer, name: string, blob: string): string {
  const raw = Buffer.from(blob, "base64");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(name, "utf8"));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch (e) {
    throw fileError(`the secret for ${JSON.stringify(name)} in ${dataPath} cannot be decrypted with ${keyPath}; log in again`, e);
  }
}

export function openFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const paths: SecretsPaths = { dataPath: join(options.dataDir, SECRETS_FILE), keyPath: join(options.dataDir, SECRETS_KEY_FILE) };
  const { dataPath, keyPath } = paths;
  options.warn(
    `secrets are stored in ${dataPath}, encrypted with a key kept next to it in ${keyPath} (both 0600). ` +
      "This only protects against casual reads and backups; use the OS keychain (the default) where you can.",
  );
  return secretStoreOver("file", {
    async getRaw(name) {
      const blob = readSecretsFile(paths).entries[name];
      if (blob === undefined) return null;
      const key = readSecretsKey(paths, false);
      if (!key) throw fileError(`${keyPath} is missing, so ${dataPath} cannot be decrypted; remove ${dataPath} and log in again`);
      return decryptEntry(paths, key, name, blob);
    },
    async setRaw(name, value) {
      const file = readSecretsFile(paths);
      file.entries[name] = encryptEntry(readSecretsKey(paths, true)!, name, value);
      writeJsonAtomic(dataPath, file);
    },
    async deleteRaw(name) {
      const file = readSecretsFile(paths);
      if (!(name in file.entries)) return;
      delete file.entries[name];
      writeJsonAtomic(dataPath, file);
    },
  });
}
