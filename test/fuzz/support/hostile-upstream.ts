// A Cursor that answers every Run with bytes the test chose — real frames from the fake's
// builders, then cut, flipped, re-lengthed or left hanging — over real h2c, for what the
// fake's scripted steps cannot say (a giant length on a stream that stays open, random
// mutations of a whole reply). GetUsableModels answers with the fake's default list.
// Logins still go to the fake Cursor; only the relay's Cursor API points here.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { modelsAnswer } from "../../fake-cursor/models.ts";

export interface RunReply {
  /** Bytes written after the 200 headers, in this order (each one a separate write). */
  chunks: Uint8Array[];
  /** End the HTTP/2 stream after the chunks (default true); false keeps it open until the client goes. */
  end?: boolean;
}

export interface HostileUpstream {
  readonly url: string;
  /** Replies for the next Runs, in order; when empty, `fallback` answers. */
  queue(reply: RunReply): void;
  fallback: RunReply;
  /** Run streams not yet closed. */
  readonly openStreams: number;
  /** Writes these chunks to every Run stream still open and ends it. */
  finishOpen(chunks: Uint8Array[]): void;
  readonly runs: number;
  /** Resolves when no Run stream is open (rejects after ms). */
  waitForIdle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHostileUpstream(fallback: RunReply): Promise<HostileUpstream> {
  const replies: RunReply[] = [];
  let open = 0;
  const live = new Set<http2.ServerHttp2Stream>();
  let runs = 0;
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
    s.on("error", () => {});
  });
  const upstream: HostileUpstream = {
    url: "",
    queue: (r) => replies.push(r),
    fallback,
    get openStreams() {
      return open;
    },
    finishOpen(chunks) {
      for (const s of live) {
        if (s.writableEnded || s.destroyed) continue;
        for (const c of chunks) s.write(c);
        s.end();
      }
    },
    get runs() {
      return runs;
    },
    async waitForIdle(ms = 5000) {
      const deadline = Date.now() + ms;
      while (open > 0) {
        if (Date.now() > deadline) throw new Error(`hostile upstream: ${open} Run stream(s) still open after ${ms} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.on("stream", (stream, headers) => {
    stream.on("error", () => {});
    const path = String(headers[":path"]);
    if (path.endsWith("/GetUsableModels")) {
      stream.on("data", () => {});
      stream.on("end", () => {
        const a = modelsAnswer(undefined, { ok: true });
        if (!stream.closed) stream.respond({ ":status": a.status, ...a.headers }, { endStream: false });
        stream.end(a.body);
      });
      return;
    }
    runs++;
    open++;
    live.add(stream);
    stream.once("close", () => {
      open--;
      live.delete(stream);
    });
    stream.on("data", () => {}); // the run request, heartbeats, replies: not needed here
    const reply = replies.shift() ?? upstream.fallback;
    stream.respond({ ":status": 200, "content-type": "application/connect+proto" });
    for (const c of reply.chunks) stream.write(c);
    if (reply.end !== false) stream.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  (upstream as { url: string }).url = `http://127.0.0.1:${port}`;
  return upstream;
}
