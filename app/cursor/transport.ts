// The Connect transport to Cursor: HTTP/2 (h2 over TLS, or h2c for a local fake), binary
// protobuf, one shared HTTP/2 session per client with an idle timeout (its streams' request
// sides end once their responses have ended, request-side-close.ts), and an interceptor
// that adds Cursor's headers (docs/protocol.md §1.2) to every call.
import { createClient, createContextKey, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { randomUUID } from "node:crypto";
import type { ClientHttp2Stream, ClientSessionRequestOptions, OutgoingHttpHeaders } from "node:http2";
import { AgentService } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import { systemClock, type Clock } from "../base/clock.ts";
import { closeRequestSideAfterResponse } from "./request-side-close.ts";

export { DEFAULT_CURSOR_API as DEFAULT_BASE_URL } from "../base/cursor-api.ts";
/** A client version of the official CLI's shape `cli-YYYY.MM.DD-<7 hex>` (docs/protocol.md §1.2). */
export const DEFAULT_CLIENT_VERSION = "cli-2026.02.13-41ac335";
export const CLIENT_VERSION_PATTERN = /^cli-\d{4}\.\d{2}\.\d{2}-[0-9a-f]{7}$/;
/**
 * The largest server frame the relay reads (64 MiB). Connect allocates a frame's
 * buffer from the length its envelope claims, and its default limit is 4 GiB: a corrupt
 * or hostile length would make the relay allocate that much.
 */
export const MAX_SERVER_FRAME_BYTES = 64 * 1024 * 1024;
/**
 * How long the server gets to end a stream after turn_ended, and our request side to close
 * after the response ended, before the stream is cancelled (an RST_STREAM).
 */
export const DEFAULT_DRAIN_MS = 2000;

/** The bearer token of one call, passed through Connect's context values (never logged). */
export const ACCESS_TOKEN = createContextKey<string | undefined>(undefined, { description: "cursor access token" });

export function cursorHeadersInterceptor(clientVersion: string, newRequestId: () => string = randomUUID): Interceptor {
  return (next) => async (req) => {
    const token = req.contextValues.get(ACCESS_TOKEN);
    if (token !== undefined && token !== "") req.header.set("authorization", `Bearer ${token}`);
    // Cursor's own client announces trailer support on every call (Run and GetUsableModels).
    req.header.set("te", "trailers");
    req.header.set("x-ghost-mode", "true");
    req.header.set("x-cursor-client-version", clientVersion);
    req.header.set("x-cursor-client-type", "cli");
    req.header.set("x-request-id", newRequestId());
    return await next(req);
  };
}

export interface CursorTransportOptions {
  baseUrl: string;
  clientVersion: string;
  /** Close the shared HTTP/2 connection after this long without streams. */
  idleConnectionTimeoutMs?: number;
  /** Largest server frame accepted (default MAX_SERVER_FRAME_BYTES); a bigger one fails the call. */
  maxFrameBytes?: number;
  newRequestId?: () => string;
  /** Run after Cursor's headers are set (the doctor records the headers it sent and got). */
  extraInterceptors?: Interceptor[];
  /** Times the cancel of a stream whose request side stays open after its response ended. */
  clock?: Clock;
}

export interface CursorTransport {
  client: Client<typeof AgentService>;
  sessionManager: Http2SessionManager;
  /** Closes the HTTP/2 connection (open streams fail). */
  close(): void;
}

/** The shared HTTP/2 session, closing each stream's request side once its response has ended. */
class ClosingSessionManager extends Http2SessionManager {
  private readonly clock: Clock;

  constructor(options: CursorTransportOptions) {
    super(
      options.baseUrl,
      { idleConnectionTimeoutMs: options.idleConnectionTimeoutMs ?? 15_000, pingIntervalMs: 30_000, pingTimeoutMs: 15_000 },
      // A 4 MiB receive window like the official client, so long answers are not throttled.
      { settings: { initialWindowSize: 4 * 1024 * 1024 } },
    );
    this.clock = options.clock ?? systemClock;
  }

  override async request(method: string, path: string, headers: OutgoingHttpHeaders, options: Omit<ClientSessionRequestOptions, "signal">): Promise<ClientHttp2Stream> {
    const stream = await super.request(method, path, headers, options);
    closeRequestSideAfterResponse(stream, this.clock, DEFAULT_DRAIN_MS);
    return stream;
  }
}

export function createCursorTransport(options: CursorTransportOptions): CursorTransport {
  const sessionManager = new ClosingSessionManager(options);
  const transport = createConnectTransport({
    httpVersion: "2",
    baseUrl: options.baseUrl,
    useBinaryFormat: true,
    sessionManager,
    readMaxBytes: options.maxFrameBytes ?? MAX_SERVER_FRAME_BYTES,
    // No compression advertised or used: frames stay plain both ways (docs/protocol.md §1.2).
    acceptCompression: [],
    interceptors: [cursorHeadersInterceptor(options.clientVersion, options.newRequestId), ...(options.extraInterceptors ?? [])],
  });
  return {
    client: createClient(AgentService, transport),
    sessionManager,
    close: () => sessionManager.abort(),
  };
}
