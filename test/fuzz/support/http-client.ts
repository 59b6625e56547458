// A small HTTP/1.1 client for fuzzing over real sockets: one keep-alive pool, the whole
// response body (or only the first SSE event of a stream that never ends), and a hard
// deadline per request so a hang is a failure, not a stuck test.
import { Agent, request } from "node:http";
import { connect } from "node:net";

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  /** Send the body with chunked transfer encoding instead of a content-length. */
  chunked?: boolean;
}

export interface FuzzResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The response was an SSE stream that the client cut after its first event. */
  cutStream: boolean;
  ms: number;
}

export interface FuzzClient {
  send(req: FuzzRequest): Promise<FuzzResponse>;
  close(): void;
}

export function createFuzzClient(baseUrl: string, options: { maxSockets?: number; timeoutMs?: number } = {}): FuzzClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 });
  const timeoutMs = options.timeoutMs ?? 20_000;
  return {
    send(req) {
      const started = performance.now();
      return new Promise<FuzzResponse>((resolve, reject) => {
        const headers: Record<string, string> = { ...req.headers };
        if (req.body !== undefined && !req.chunked) headers["content-length"] = String(req.body.length);
        const r = request(
          { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            let cut = false;
            const sse = String(res.headers["content-type"] ?? "").startsWith("text/event-stream");
            res.on("data", (c: Buffer) => {
              chunks.push(c);
              // A stream that never ends (the management events): the first event is enough.
              if (sse && req.method === "GET" && !cut && Buffer.concat(chunks).includes("\n\n")) {
                cut = true;
                clearTimeout(timer);
                res.destroy();
                resolve(done(res.statusCode ?? 0, res.headers, Buffer.concat(chunks), true));
              }
            });
            res.on("end", () => {
              clearTimeout(timer);
              resolve(done(res.statusCode ?? 0, res.headers, Buffer.concat(chunks), false));
            });
            res.on("error", (e) => {
              clearTimeout(timer);
              if (!cut) reject(e);
            });
          },
        );
        const timer = setTimeout(() => {
          r.destroy(new Error(`no complete response within ${timeoutMs} ms: ${req.method} ${req.path}`));
        }, timeoutMs);
        r.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
        if (req.body !== undefined) r.end(req.body);
        else r.end();
      });
      function done(status: number, h: FuzzResponse["headers"], body: Buffer, cutStream: boolean): FuzzResponse {
        return { status, headers: h, body, cutStream, ms: performance.now() - started };
      }
    },
    close: () => agent.destroy(),
  };
}

/** Writes raw bytes to the server and returns everything it answers until it closes (or timeoutMs). */
export function rawExchange(
  port: number,
  bytes: Buffer | string,
  options: { timeoutMs?: number; host?: string; endAfterWrite?: boolean } = {},
): Promise<{ text: string; closed: boolean; ms: number; firstByteMs: number | null }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, options.host ?? "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    let firstByteMs: number | null = null;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ text: Buffer.concat(chunks).toString("latin1"), closed, ms: performance.now() - started, firstByteMs });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 5000);
    socket.on("data", (c) => {
      firstByteMs ??= performance.now() - started;
      chunks.push(c);
    });
    socket.on("close", () => finish(true));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // The server may reset after answering; what it sent still counts.
      if (e.code === "ECONNRESET" || e.code === "EPIPE") finish(true);
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on("connect", () => {
      socket.write(bytes);
      if (options.endAfterWrite) socket.end();
    });
  });
}
