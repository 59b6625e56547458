import type { IncomingMessage } from "node:http";
import { RelayError } from "../../base/errors.ts";

/**
 * Reads the whole request body, refusing (413) as soon as it passes the limit. Past the
 * limit the rest is drained, not kept, so the 413 can still be answered.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    req.resume();
    return Promise.reject(tooLarge(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        chunks.length = 0;
        req.resume(); // drain without keeping it
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks, size));
      }
    });
    req.on("error", (e) => {
      if (!done) {
        done = true;
        reject(new RelayError({ kind: "invalid_request", status: 400, message: "the request body could not be read", cause: e }));
      }
    });
  });
}

const MIB = 1024 * 1024;
const human = (bytes: number): string => (bytes >= MIB ? `${Math.round(bytes / MIB)} MiB` : `${Math.round(bytes / 1024)} KB`);

function tooLarge(limit: number): RelayError {
  return new RelayError({ kind: "too_large", status: 413, message: `request body is larger than the relay's limit of ${human(limit)}` });
}

/** Parses a JSON body; a syntax error is the client's mistake (400), never a 500. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw new RelayError({ kind: "invalid_request", status: 400, message: "request body is empty; expected a JSON object" });
  }
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (e) {
    throw new RelayError({
      kind: "invalid_request",
      status: 400,
      message: `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
    });
  }
}
