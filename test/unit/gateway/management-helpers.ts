// A real loopback server around the management handler, and a raw HTTP client that
// can set any Host / Origin header (fetch cannot).
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { createManagementHandler, type ManagementHandler } from "../../../app/gateway/management/index.ts";
import { silentLogger } from "../../../app/base/log.ts";
import { createMemoryControl, type MemoryControl } from "./memory-control.ts";

export const MANAGEMENT_KEY = "mgmt-key-abcdefghijklmnop";

export interface Harness {
  control: MemoryControl;
  handler: ManagementHandler;
  server: Server;
  port: number;
  /** Every response's headers, for checks that hold across a whole test. */
  seenHeaders: IncomingHttpHeaders[];
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or raw text/bytes. */
  json?: unknown;
  raw?: string | Buffer;
  auth?: string | null;
  /** false: send no Host header at all. */
  host?: string | false;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export async function startManagement(
  t: TestContext,
  options: { uiDir?: string | null; control?: MemoryControl; heartbeatMs?: number } = {},
): Promise<Harness> {
  const control = options.control ?? createMemoryControl();
  const handler = createManagementHandler({
    control,
    managementKey: MANAGEMENT_KEY,
    uiDir: options.uiDir ?? null,
    logger: silentLogger,
    ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
  });
  const server = createServer((req, res) => {
    void handler(req, res).then((mine) => {
      if (!mine) {
        res.writeHead(418, { "content-type": "text/plain" });
        res.end("not the management handler's");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  t.after(async () => {
    handler.closeEventStreams();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const seenHeaders: IncomingHttpHeaders[] = [];

  const call = (method: string, path: string, o: CallOptions = {}): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...o.headers };
      if (o.auth !== null) headers.authorization = o.auth ?? `Bearer ${MANAGEMENT_KEY}`;
      let body: string | Buffer | undefined = o.raw;
      if (o.json !== undefined) {
        body = JSON.stringify(o.json);
        headers["content-type"] ??= "application/json";
      }
      if (o.host !== false) headers.host = o.host ?? `127.0.0.1:${port}`;
      const req = request({ host: "127.0.0.1", port, method, path, headers, setHost: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          seenHeaders.push(res.headers);
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
      });
      req.on("error", reject);
      req.end(body);
    });

  return { control, handler, server, port, seenHeaders, call };
}

/** No response may invite another origin in. */
export function assertNoCors(headers: IncomingHttpHeaders[]): void {
  for (const h of headers) {
    for (const name of Object.keys(h)) {
      if (name.startsWith("access-control-")) throw new Error(`unexpected CORS header ${name}: ${String(h[name])}`);
    }
  }
}
