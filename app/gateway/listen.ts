// The listening socket of the front door: loopback by default, with limits on header
// size and on how long a slow client may take to send its request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RelayError } from "../base/errors.ts";

export interface ListenOptions {
  host: string;
  port: number;
  /** A client must finish sending its headers within this (default 15 s). */
  headersTimeoutMs?: number;
  /** …and its whole request within this (default 120 s); responses may stream longer. */
  requestTimeoutMs?: number;
  /** Largest request header block in bytes (default 32 KiB; bigger gets 431). */
  maxHeaderSize?: number;
}

export interface Listener {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts bracketed). */
  readonly url: string;
  /** Stops accepting, ends idle keep-alive sockets, and cuts the rest after graceMs. */
  close(graceMs?: number): Promise<void>;
}

export const LOOPBACK_HOSTS = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * The answer to a request Node could not parse or that broke a socket limit, before any
 * route (so before we know the client's API): a body both Anthropic's shape
 * `{type:"error", error:{type, message}}` and OpenAI's `{error:{message, type, code}}` read.
 */
export function clientErrorResponse(code: string | undefined, maxHeaderSize: number): string {
  const [status, reason, type, message] =
    code === "HPE_HEADER_OVERFLOW"
      ? [431, "Request Header Fields Too Large", "request_too_large", `the request headers are larger than the relay's limit of ${Math.round(maxHeaderSize / 1024)} KiB`]
      : code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "Request Timeout", "timeout_error", "the request was not sent in time (headers or body too slow); the connection is closed"]
        : [400, "Bad Request", "invalid_request_error", "malformed HTTP request"];
  const body = JSON.stringify({ type: "error", error: { type, message, param: null, code: type } });
  return `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

export function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: ListenOptions,
): Promise<Listener> {
  const headersTimeout = options.headersTimeoutMs ?? 15_000;
  const maxHeaderSize = options.maxHeaderSize ?? 32 * 1024;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      maxHeaderSize,
      keepAliveTimeout: 65_000,
      // Node checks the two timeouts only this often (default 30 s, so a client that never
      // finished its headers kept its socket up to 45 s).
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    (req, res) => {
      void handler(req, res);
    },
  );
  // Nagle would hold back small SSE events.
  server.on("connection", (socket) => socket.setNoDelay(true));
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(clientErrorResponse(err.code, maxHeaderSize));
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new RelayError({
          kind: "config",
          status: 500,
          message:
            e.code === "EADDRINUSE"
              ? `port ${options.port} on ${options.host} is already in use (another relay?); choose another with --port or CURSOR_RELAY_PORT (0 = any free port)`
              : `cannot listen on ${options.host}:${options.port}: ${e.message}`,
          cause: e,
        }),
      );
    };
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      const addr = server.address() as AddressInfo;
      const host = addr.address;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
      resolve({
        server,
        host,
        port: addr.port,
        url,
        close: (graceMs = 2000) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
