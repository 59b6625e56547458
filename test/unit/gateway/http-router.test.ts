// The one router and JSON body reader both HTTP faces (client gateway and management) use.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import type { IncomingMessage } from "node:http";
import { gzipSync } from "node:zlib";
import { test } from "node:test";
import { RelayError } from "../../../app/base/errors.ts";
import { readJsonBody } from "../../../app/gateway/http/json-body.ts";
import { MethodNotAllowed, createRouter, methodNotAllowed } from "../../../app/base/router.ts";

test("the router matches method + path, hands over :params still encoded, and lists the allowed methods on a 405", () => {
  const router = createRouter([
    { method: "GET", path: "/v1/models", handler: "list" },
    { method: "GET", path: "/v1/models/:id", handler: "one" },
    { method: "DELETE", path: "/v1/models/:id", handler: "remove" },
    { method: "POST", path: "/v1/models/:id/copy", handler: "copy" },
  ]);
  assert.deepEqual(router.match("GET", "/v1/models"), { kind: "found", handler: "list", params: {} });
  assert.deepEqual(router.match("GET", "/v1/models/a%2Fb"), { kind: "found", handler: "one", params: { id: "a%2Fb" } });
  assert.deepEqual(router.match("DELETE", "/v1/models/x"), { kind: "found", handler: "remove", params: { id: "x" } });
  assert.deepEqual(router.match("PATCH", "/v1/models/x"), { kind: "method_not_allowed", allow: ["GET", "DELETE"] });
  assert.deepEqual(router.match("GET", "/v1/models/"), { kind: "not_found" }, "a :param never matches an empty segment");
  assert.deepEqual(router.match("GET", "/v1/models/x/y"), { kind: "not_found" });
  assert.deepEqual(router.match("GET", "/v1/models/x/copy"), { kind: "method_not_allowed", allow: ["POST"] });
});

test("a 405 is a RelayError that carries its Allow header", () => {
  const err = methodNotAllowed("GET", "/v0/management/proxy", ["POST", "PATCH"]);
  assert.ok(err instanceof RelayError && err instanceof MethodNotAllowed);
  assert.equal(err.status, 405);
  assert.equal(err.message, "GET is not allowed on /v0/management/proxy (use POST or PATCH)");
  assert.deepEqual(err.headers, { allow: "POST, PATCH" });
});

function request(body: Buffer | string, headers: Record<string, string> = {}): IncomingMessage {
  const req = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  req.headers = headers;
  return req;
}

const status = (code: number, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof RelayError);
  assert.equal(e.status, code);
  assert.match(e.message, pattern);
  return true;
};

test("the JSON body reader: limit, content-encoding, empty bodies and the content-type check per face", async () => {
  assert.deepEqual(await readJsonBody(request('{"a":1}'), { limitBytes: 100, required: true }), { a: 1 });
  const zipped = request(gzipSync('{"b":2}'), { "content-encoding": "gzip" });
  assert.deepEqual(await readJsonBody(zipped, { limitBytes: 100, decode: true, required: true }), { b: 2 });
  await assert.rejects(readJsonBody(request("x".repeat(200)), { limitBytes: 100, required: true }), status(413, /larger than/));
  await assert.rejects(readJsonBody(request(""), { limitBytes: 100, required: true }), status(400, /empty/));
  assert.equal(await readJsonBody(request(""), { limitBytes: 100, required: false, requireJsonType: true }), undefined);
  await assert.rejects(
    readJsonBody(request("{}", { "content-type": "text/plain" }), { limitBytes: 100, required: false, requireJsonType: true }),
    status(415, /application\/json/),
  );
  await assert.rejects(readJsonBody(request("{nope"), { limitBytes: 100, required: true }), status(400, /not valid JSON/));
});
