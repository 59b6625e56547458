// Request bodies a client compressed (`content-encoding`): gzip, deflate and br are
// inflated with node:zlib, never past the body limit (a small bomb stays a 413).
// zstd has no decoder in Node 20's zlib: it is a 415 that says what to send instead.
// (Codex CLI 0.171 advertises `accept-encoding: zstd,gzip` but, with a custom provider and
// an API key, sends its request bodies uncompressed.)
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { RelayError } from "../../base/errors.ts";

const unsupported = (encoding: string) =>
  new RelayError({
    kind: "invalid_request",
    status: 415,
    message: `content-encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported; send the body uncompressed, or gzip, deflate or br`,
  });

export function decodeBody(body: Buffer, contentEncoding: string | undefined, limitBytes: number): Buffer {
  const encoding = (contentEncoding ?? "").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return body;
  const inflate = encoding === "gzip" || encoding === "x-gzip" ? gunzipSync : encoding === "deflate" ? inflateSync : encoding === "br" ? brotliDecompressSync : null;
  if (!inflate) throw unsupported(encoding);
  try {
    return inflate(body, { maxOutputLength: limitBytes });
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new RelayError({ kind: "too_large", status: 413, message: "the decompressed request body is larger than the relay's limit" });
    }
    throw new RelayError({ kind: "invalid_request", status: 400, message: `the ${encoding} request body could not be decompressed`, cause: e });
  }
}
