// PKCE material and the browser login URL (docs/protocol.md §2.1).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { DEFAULT_CURSOR_API } from "../base/cursor-api.ts";

export interface Pkce {
  /** base64url (no padding) of 96 random bytes: 128 characters. Never printed or logged. */
  verifier: string;
  /** base64url(SHA-256(verifier)). */
  challenge: string;
  uuid: string;
}

export function challengeFor(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export function createPkce(random: (n: number) => Uint8Array = randomBytes, uuid: () => string = randomUUID): Pkce {
  const verifier = Buffer.from(random(96)).toString("base64url");
  return { verifier, challenge: challengeFor(verifier), uuid: uuid() };
}

/**
 * The page the user logs in on: cursor.com for the real API, otherwise the same host as
 * the API (so a fake Cursor in tests serves its own login page).
 */
export function loginPageBase(cursorApi: string): string {
  const api = cursorApi.replace(/\/+$/, "");
  return api === DEFAULT_CURSOR_API ? "https://cursor.com/loginDeepControl" : `${api}/loginDeepControl`;
}

export function loginUrl(cursorApi: string, pkce: Pick<Pkce, "challenge" | "uuid">): string {
  const q = new URLSearchParams({ challenge: pkce.challenge, uuid: pkce.uuid, mode: "login", redirectTarget: "cli" });
  return `${loginPageBase(cursorApi)}?${q.toString()}`;
}
