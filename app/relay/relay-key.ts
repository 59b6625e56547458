// The relay's client API key: generated on first run, kept with the secrets (keychain
// or the encrypted file), shown only to the user (env lines, dashboard copy button).
import { randomBytes } from "node:crypto";
import type { RelayKeyEntry, SecretStore } from "../accounts/secret-store.ts";
import type { Logger } from "../base/log.ts";

export const RELAY_KEY_PREFIX = "sk-relay-";

export function generateRelayKey(random: (n: number) => Buffer = randomBytes): string {
  return RELAY_KEY_PREFIX + random(24).toString("base64url");
}

/** The stored key, or a new one stored now. An explicit key (--api-key) wins and is not stored. */
export async function ensureRelayKey(secrets: SecretStore, explicit?: string): Promise<string> {
  if (explicit !== undefined && explicit !== "") return explicit;
  const stored = await secrets.getRelayKey();
  if (stored) return stored;
  const key = generateRelayKey();
  await secrets.setRelayKey(key);
  return key;
}

/** The key this relay accepts now, and where it is kept while the relay runs. */
export interface RelayKeyHolder {
  current(): string;
  /** A new stored key (and the running entry when the key came from the command line). */
  regenerate(): Promise<void>;
  /**
   * The secret entry `cursor-relay env` reads the running relay's key from: a key from the
   * command line is kept in its own entry while the relay runs, so another process can tell
   * clients the key this relay really accepts.
   */
  readonly entry: RelayKeyEntry;
}

export async function holdRelayKey(secrets: SecretStore, logger: Pick<Logger, "addSecret">, explicit?: string): Promise<RelayKeyHolder> {
  let key = await ensureRelayKey(secrets, explicit);
  logger.addSecret(key);
  const entry: RelayKeyEntry = explicit ? "relay-key-running" : "relay-key";
  return {
    current: () => key,
    entry,
    async regenerate() {
      const next = generateRelayKey();
      await secrets.setRelayKey(next);
      if (entry === "relay-key-running") await secrets.setRelayKey(next, entry);
      logger.addSecret(next);
      key = next;
    },
  };
}
