// The management API's front gate. The dashboard is reached only from this machine:
// a Host that is not a loopback name means a DNS-rebinding page is talking to us
// (421); a browser Origin other than our own loopback origin means a foreign page
// (403, and no CORS header ever invites it); and every API call carries the
// management key as a Bearer token (401).
import type { IncomingHttpHeaders } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import { RelayError } from "../../base/errors.ts";

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** `127.0.0.1`, `localhost` or `[::1]`, with an optional port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m) return false;
  const port = m[2];
  if (port !== undefined && Number(port) > 65535) return false;
  return LOOPBACK_NAMES.has(m[1] ?? "");
}

export function checkHost(headers: IncomingHttpHeaders): void {
  if (!isLoopbackHost(headers.host)) {
    throw new RelayError({
      kind: "permission",
      status: 421,
      message: "the management API answers only to a loopback Host (127.0.0.1, localhost or [::1])",
    });
  }
}

/** No Origin (curl, same-origin GET navigations) passes; a browser's must be our own. */
export function checkOrigin(headers: IncomingHttpHeaders): void {
  const origin = headers.origin;
  if (origin === undefined) return;
  const own = `http://${(headers.host ?? "").toLowerCase()}`;
  if (origin.toLowerCase() !== own) {
    throw new RelayError({ kind: "permission", status: 403, message: "cross-origin requests to the management API are refused" });
  }
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function keysEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

export function checkManagementKey(headers: IncomingHttpHeaders, managementKey: string): void {
  const auth = headers.authorization;
  const m = typeof auth === "string" ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(auth) : null;
  if (!m?.[1]) {
    throw new RelayError({
      kind: "authentication",
      status: 401,
      message: "missing management key: send it as `Authorization: Bearer <key>` (the dashboard link printed by `cursor-relay serve` carries it)",
    });
  }
  if (!keysEqual(m[1], managementKey)) {
    throw new RelayError({ kind: "authentication", status: 401, message: "wrong management key" });
  }
}
