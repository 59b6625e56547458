// The listening socket of the front door: loopback by default, with limits on header
// size and on how long a slow client may take to send its request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RelayError } from "../core/errors.ts";

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

export function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  options: ListenOptions,
): Promise<Listener> {
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 15_000,
      requestTimeout: options.requestTimeoutMs ?? 120_000,
      maxHeaderSize: options.maxHeaderSize ?? 32 * 1024,
      keepAliveTimeout: 65_000,
    },
    (req, res) => {
      void handler(req, res);
    },
  );
  // Nagle would hold back small SSE events.
  server.on("connection", (socket) => socket.setNoDelay(true));
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
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
              ? `port ${options.port} on ${options.host} is already in use (another relay?); choose another with --port, or --port 0 for any free port`
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
