// Test helper: a tiny raw node:http2 (h2c) server whose handler the test controls, for
// what the shared fake Cursor does not script: exact request headers, bare non-200
// answers, GetUsableModels cache behaviour.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";

export type Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, body: AsyncIterable<Buffer>) => void;

export interface RawServer {
  url: string;
  requests: { path: string; headers: http2.IncomingHttpHeaders }[];
  setHandler(h: Handler): void;
  close(): Promise<void>;
}

/** Connect envelope: flags, big-endian length, payload. */
export function envelope(payload: Uint8Array, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, Buffer.from(payload)]);
}

export async function startRawServer(settings: http2.Settings = {}): Promise<RawServer> {
  let handler: Handler = (s) => s.respond({ ":status": 404 }, { endStream: true });
  const requests: RawServer["requests"] = [];
  const server = http2.createServer({ settings });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  server.on("stream", (stream, headers) => {
    requests.push({ path: String(headers[":path"]), headers });
    stream.on("error", () => {});
    handler(stream, headers, stream as unknown as AsyncIterable<Buffer>);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler: (h) => (handler = h),
    close: () =>
      new Promise<void>((r) => {
        for (const s of sessions) s.destroy();
        server.close(() => r());
      }),
  };
}
