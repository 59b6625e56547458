// A ResponseChannel over a Node ServerResponse: the only place a response writer's
// output meets a socket. Writes after the client went away are dropped silently.
// SSE events written in the same tick (message_start, content_block_start and the first
// delta; a flushed batch and a stop) leave in one socket write: the response is corked
// on the first event of a tick and uncorked on the next (end() uncorks fully itself).
import type { ServerResponse } from "node:http";
import type { ResponseChannel } from "./channel.ts";

export function nodeChannel(res: ServerResponse): ResponseChannel {
  let sse = false;
  let corked = false;
  const uncork = () => {
    corked = false;
    res.uncork();
  };
  const gone = () => res.writableEnded || res.destroyed;
  return {
    get started() {
      return res.headersSent;
    },
    get closed() {
      return gone();
    },
    json(status, body, headers = {}) {
      if (res.headersSent || gone()) return;
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": String(Buffer.byteLength(text)),
        ...headers,
      });
      res.end(text);
    },
    sse(event, data) {
      if (gone()) return;
      if (!sse) {
        if (res.headersSent) return;
        sse = true;
        res.writeHead(200, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
      }
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(uncork);
      }
      res.write(event === null ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`);
    },
    end() {
      if (!gone()) res.end();
    },
    whenWritable() {
      if (gone() || !res.writableNeedDrain) return undefined;
      return new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    },
  };
}
