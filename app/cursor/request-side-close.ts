// Every HTTP/2 stream's request side ends once its response has ended.
//
// connect-node stops pumping a stream's request side as soon as the response has ended.
// If one of our writes (a heartbeat, a KV reply) is still in flight at that moment, it
// never ends the request side afterwards, and an abort no longer reaches the stream either:
// the stream stays half-open on the shared session for good (the server waits for our
// END_STREAM), and the session never goes idle. So once the response has ended and
// Connect has had its turn, a request side still open is ended here (END_STREAM after the
// data in flight); a stream still not closed after the drain time — its data held back
// by a server that stopped reading — is cancelled.
import { constants, type ClientHttp2Stream } from "node:http2";
import type { Clock } from "../base/clock.ts";

export function closeRequestSideAfterResponse(stream: ClientHttp2Stream, clock: Clock, drainMs: number): void {
  stream.once("end", () => {
    // Connect sees the end of the response in the microtasks after this event, and the
    // run then ends its request frames: look only once those have run.
    setImmediate(() => {
      if (stream.closed || stream.destroyed) return;
      if (!stream.writableEnded) stream.end();
      const reset = clock.setTimeout(() => {
        if (!stream.closed && !stream.destroyed) stream.close(constants.NGHTTP2_CANCEL);
      }, drainMs);
      stream.once("close", () => reset.cancel());
    });
  });
}
