// JSON in and out for the management API: a small body limit, bad JSON as a 400, and
// every error as {"error":{"type","message"}}. No response ever carries a CORS header.
import type { IncomingMessage, ServerResponse } from "node:http";
import { RelayError, toRelayError } from "../../base/errors.ts";
import { parseJsonBody, readBody } from "../http/body.ts";

export const MANAGEMENT_BODY_LIMIT = 64 * 1024;

/** Headers every management response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The JSON body, or undefined when there is none. Refuses past the limit (413). */
export async function readJsonBody(req: IncomingMessage, limit = MANAGEMENT_BODY_LIMIT): Promise<unknown> {
  const raw = await readBody(req, limit);
  if (raw.length === 0) return undefined;
  const type = String(req.headers["content-type"] ?? "");
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RelayError({ kind: "invalid_request", status: 415, message: "send the request body as `content-type: application/json`" });
  }
  return parseJsonBody(raw);
}

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
