// The one JSON body reader of both HTTP faces: the size limit (413), optional
// content-encoding, optional content-type check (415) and bad JSON as a 400.
import type { IncomingMessage } from "node:http";
import { RelayError } from "../../base/errors.ts";
import { parseJsonBody, readBody } from "./body.ts";
import { decodeBody } from "./content-encoding.ts";

export interface JsonBodyOptions {
  limitBytes: number;
  /** Undo `content-encoding` (gzip, deflate, br) within the same limit. */
  decode?: boolean;
  /** True: an empty body is a 400. False: it reads as undefined. */
  required: boolean;
  /** Refuse (415) a non-empty body that is not sent as application/json. */
  requireJsonType?: boolean;
}

export async function readJsonBody(req: IncomingMessage, options: JsonBodyOptions): Promise<unknown> {
  let raw = await readBody(req, options.limitBytes);
  if (options.decode) raw = decodeBody(raw, req.headers["content-encoding"], options.limitBytes);
  if (raw.length === 0 && !options.required) return undefined;
  if (options.requireJsonType && !/^application\/json\s*(;|$)/i.test(String(req.headers["content-type"] ?? ""))) {
    throw new RelayError({ kind: "invalid_request", status: 415, message: "send the request body as `content-type: application/json`" });
  }
  return parseJsonBody(raw);
}
