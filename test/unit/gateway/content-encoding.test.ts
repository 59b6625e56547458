import { test } from "node:test";
import assert from "node:assert/strict";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { RelayError } from "../../../app/base/errors.ts";
import { decodeBody } from "../../../app/gateway/http/content-encoding.ts";
import { createResponseIndex } from "../../../app/gateway/responses/response-index.ts";

const body = Buffer.from('{"model":"gpt-5","input":"hi"}');
const fails = (status: number, message: RegExp) => (e: unknown) => e instanceof RelayError && e.status === status && message.test(e.message);

test("gzip, deflate and br bodies are inflated; none or identity pass through", () => {
  assert.deepEqual(decodeBody(body, undefined, 1024), body);
  assert.deepEqual(decodeBody(body, "identity", 1024), body);
  assert.deepEqual(decodeBody(gzipSync(body), "gzip", 1024), body);
  assert.deepEqual(decodeBody(gzipSync(body), " GZIP ", 1024), body);
  assert.deepEqual(decodeBody(deflateSync(body), "deflate", 1024), body);
  assert.deepEqual(decodeBody(brotliCompressSync(body), "br", 1024), body);
});

test("zstd (no decoder in Node 20) is a 415 naming what to send; a corrupt body a 400; a bomb a 413", () => {
  assert.throws(() => decodeBody(body, "zstd", 1024), fails(415, /^content-encoding "zstd" is not supported; send the body uncompressed, or gzip, deflate or br$/));
  assert.throws(() => decodeBody(body, "gzip, br", 1024), fails(415, /not supported/));
  assert.throws(() => decodeBody(body, "gzip", 1024), fails(400, /^the gzip request body could not be decompressed$/));
  const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
  assert.ok(bomb.length < 20 * 1024);
  assert.throws(() => decodeBody(bomb, "gzip", 1024 * 1024), fails(413, /decompressed request body is larger/));
});

test("response index: per client key, bounded, oldest first out", () => {
  const index = createResponseIndex(2);
  index.remember("k1", "resp_a", "conv-a");
  index.remember("k1", "resp_b", "conv-b");
  assert.equal(index.conversationOf("k1", "resp_a"), "conv-a");
  assert.equal(index.conversationOf("k2", "resp_a"), undefined, "another key cannot continue it");
  index.remember("k1", "resp_c", "conv-c");
  assert.equal(index.conversationOf("k1", "resp_a"), undefined);
  assert.equal(index.conversationOf("k1", "resp_c"), "conv-c");
});
