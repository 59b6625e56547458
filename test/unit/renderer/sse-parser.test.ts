import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { createSseParser, type SseEvent } from "../../../renderer/src/control/sse-parser.ts";

const parseAll = (chunks: string[]): SseEvent[] => {
  const out: SseEvent[] = [];
  const p = createSseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  return out;
};

test("sse parser: events, comments, multi-line data, default event name, CRLF and CR line ends", () => {
  const text =
    ": hello\n\nevent: snapshot\ndata: {\"a\":1}\n\n" +
    "data: line one\r\ndata:line two\r\n\r\n" +
    "event: x\rdata: cr only\r\r" +
    "id: 7\nretry: 10\nunknown\ndata\n\n" +
    "event: dropped\n\n" +
    "data: incomplete";
  assert.deepEqual(parseAll([text]), [
    { event: "snapshot", data: '{"a":1}' },
    { event: "message", data: "line one\nline two" },
    { event: "x", data: "cr only" },
    { event: "message", data: "" },
  ]);
});

test("sse parser: any chunking of the stream gives the same events (including a CRLF split in two)", () => {
  const stream = "event: snapshot\r\ndata: {\"v\":1}\r\n\r\n: ping\r\n\r\nevent: snapshot\ndata: {\"v\":2}\n\ndata: a\rdata: b\r\r";
  const whole = parseAll([stream]);
  assert.equal(whole.length, 3);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const chunks: string[] = [];
      let from = 0;
      for (const p of points) {
        chunks.push(stream.slice(from, p));
        from = p;
      }
      chunks.push(stream.slice(from));
      assert.deepEqual(parseAll(chunks), whole);
    }),
  );
});
