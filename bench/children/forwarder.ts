// The pass-through baseline for time to first token: a bare HTTP/2 forwarder in its own
// process, between the load generator's Connect client and the fake. Every stream is
// relayed as it is (headers, body bytes both ways, cancellation) over one upstream
// HTTP/2 connection with the relay's own receive window, and nothing is parsed or
// translated. Relay minus forwarder is then the relay's own cost; forwarder minus direct
// is the cost of being one more process and one more hop. argv[2]: the fake's URL.
import { connect, constants, createServer, type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import type { AddressInfo } from "node:net";
import { serveCalls } from "../lib/child.ts";

const upstreamUrl = process.argv[2];
if (!upstreamUrl) throw new Error("usage: forwarder <upstream url>");

/** The same receive window the relay's Cursor connection asks for. */
const WINDOW = 4 * 1024 * 1024;
/** Per-connection headers HTTP/2 forbids forwarding, plus the pseudo-headers set anew. */
const DROPPED = new Set([":scheme", ":authority", "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "host", "http2-settings"]);

let upstream: ClientHttp2Session | null = null;
function session(): ClientHttp2Session {
  if (upstream && !upstream.closed && !upstream.destroyed) return upstream;
  const s = connect(upstreamUrl!, { settings: { initialWindowSize: WINDOW } });
  s.on("error", () => {}); // each stream reports its own failure
  s.once("close", () => upstream === s && (upstream = null));
  upstream = s;
  return s;
}

const copyHeaders = (h: IncomingHttpHeaders, drop: (name: string) => boolean): OutgoingHttpHeaders => {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !drop(k)) out[k] = v;
  return out;
};

function forward(down: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  const up = session().request(copyHeaders(headers, (k) => DROPPED.has(k)), { endStream: false });
  down.pipe(up);
  up.on("response", (h) => {
    if (!down.destroyed) down.respond(copyHeaders(h, (k) => k !== ":status" && k.startsWith(":")));
  });
  up.pipe(down);
  // Either side going away early resets the other with the same code.
  up.on("error", () => !down.destroyed && down.close(up.rstCode ?? constants.NGHTTP2_INTERNAL_ERROR));
  down.on("error", () => !up.destroyed && up.close(down.rstCode ?? constants.NGHTTP2_CANCEL));
  down.on("close", () => down.rstCode !== constants.NGHTTP2_NO_ERROR && !up.destroyed && !up.closed && up.close(down.rstCode));
}

const server = createServer({ settings: { initialWindowSize: WINDOW } });
server.on("stream", forward);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

serveCalls({ url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, async () => {
  upstream?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
