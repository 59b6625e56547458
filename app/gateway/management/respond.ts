// JSON out for the management API (and the small body limit it reads with), and
// every error as {"error":{"type","message"}}. No response ever carries a CORS header.
import type { ServerResponse } from "node:http";
import { RelayError, toRelayError } from "../../base/errors.ts";

export const MANAGEMENT_BODY_LIMIT = 64 * 1024;

/** Headers every management response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { ...BASE_HEADERS });
  res.end();
}

export function sendError(res: ServerResponse, e: unknown, headers: Record<string, string> = {}): RelayError {
  const err = toRelayError(e);
  sendJson(res, err.status, { error: { type: err.kind, message: err.message } }, headers);
  return err;
}
