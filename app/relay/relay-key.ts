// The relay's client API key: generated on first run, kept with the secrets (keychain
// or the encrypted file), shown only to the user (env lines, dashboard copy button).
import { randomBytes } from "node:crypto";
import type { SecretStore } from "../accounts/secret-store.ts";

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
