import type { IncomingHttpHeaders } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { RelayError } from "../../base/errors.ts";

/** The key a client presented: `x-api-key`, else `Authorization: Bearer`. */
export function presentedKey(headers: IncomingHttpHeaders): string | null {
  const x = headers["x-api-key"];
  if (typeof x === "string" && x.length > 0) return x.trim();
  const auth = headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  return null;
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function keysEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

export function requireKey(headers: IncomingHttpHeaders, expected: string): string {
  return checkPresentedKey(presentedKey(headers), expected, "`x-api-key` or `Authorization: Bearer`");
}

/** The presented key when it is the relay's; else a 401 that says how to send it (`sendAs`). */
export function checkPresentedKey(key: string | null, expected: string, sendAs: string): string {
  if (key === null) {
    throw new RelayError({ kind: "authentication", status: 401, message: `missing API key: send the relay key as ${sendAs} (see \`cursor-relay env\`)` });
  }
  if (!keysEqual(key, expected)) {
    throw new RelayError({ kind: "authentication", status: 401, message: "invalid API key for this relay (see `cursor-relay env`)" });
  }
  return key;
}
