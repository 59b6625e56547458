// The fake Cursor server: one loopback TCP port that speaks h2c (prior knowledge) for
// the Connect RPCs and HTTP/1.1 for the login/refresh endpoints, told apart by the
// HTTP/2 client preface. Runs play scripted scenarios (scenario.ts, README.md) on raw
// node:http2 streams so failures like RST_STREAM, GOAWAY or malformed frames can be
// injected; everything received is recorded for tests to assert on.
import { Duplex } from "node:stream";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  createServer as createH2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from "node:http2";
import { AuthRoutes } from "./auth-routes.ts";
import { resolveScenario } from "./builtin-scenarios.ts";
import { modelsAnswer, type UnaryAnswer } from "./models.ts";
import type { LoginRecord, ModelsRecord, RefreshRecord, RunRecord } from "./records.ts";
import { missingHeader, playRun, type IssuedCheckpoint, type RunContext } from "./run-script.ts";
import { newRunRecord, RunStream, StreamGone } from "./run-stream.ts";
import type { Scenario } from "./scenario.ts";
import { TokenAuthority } from "./tokens.ts";
import { PLAN_PATH, USAGE_PATH, usageAnswer, type UsageRecord } from "./usage.ts";

export type { LoginRecord, ModelsRecord, RefreshRecord, RunRecord, ToolResultRecord } from "./records.ts";
export type { Scenario, Step, Turn, LoginScenario, ModelsScenario, ModelSpec, ConnectCode, NativeExecKind } from "./scenario.ts";
export { parseScenario, ScenarioError } from "./scenario.ts";
export { BUILTIN_SCENARIO_NAMES, TEXT_REPLY, TEXT_THINKING, TEXT_TURN, BASH_TOOL_CALL_ID, TOOL_REPLY_PREFIX, ECHO_TOOL_ARGS, DOCTOR_TURN, resolveScenario } from "./builtin-scenarios.ts";
export { DEFAULT_MODELS } from "./models.ts";
export { loadText, LOAD_PATTERN, DRIFT_FIELD } from "./run-script.ts";
export { fakePoolOfModel, USAGE_PATH, PLAN_PATH, type UsageRecord } from "./usage.ts";
export type { UsageScenario, UsageSpec } from "./scenario.ts";

export interface FakeCursorOptions {
  /** 0 / undefined = any free port, always on 127.0.0.1. */
  port?: number;
  /** A Scenario object, or a built-in name: "text" (default), "tool-bash", "exhausted-first", "exhausted-after-text". */
  scenario?: Scenario | string;
  /** HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE the server advertises (e.g. 16384). */
  initialWindowSize?: number;
  /** Clock for JWT iat/exp checks (default Date.now). */
  now?: () => number;
}

export interface FakeCursor {
  readonly url: string;
  readonly port: number;
  /** Run streams currently open (tests assert it returns to 0). */
  readonly openStreams: number;
  readonly runs: RunRecord[];
  readonly logins: LoginRecord[];
  readonly refreshes: RefreshRecord[];
  /** Addition: every GetUsableModels call. */
  readonly modelRequests: ModelsRecord[];
  /** Addition: every GetCurrentPeriodUsage / GetPlanInfo call. */
  readonly usageRequests: UsageRecord[];
  setScenario(scenario: Scenario | string): void;
  /** Addition: replace one account key's usage entry (null removes it); the next call answers it. */
  setUsage(accountKey: string, spec: import("./scenario.ts").UsageSpec | null): void;
  /** Mint a real JWT (HS256, fake key) with this sub and exp (seconds since epoch); access tokens the fake accepts. */
  mintAccessToken(sub: string, expSeconds?: number): string;
  /** Addition: a refresh token the fake accepts for this sub. */
  issueRefreshToken(sub: string): string;
  /** Mark a refresh token as revoked so /auth/exchange_user_api_key answers 401 for it. */
  revokeRefreshToken(refreshToken: string): void;
  /** Resolves when openStreams reaches 0 (or rejects after ms; default 5000). */
  waitForIdle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

const RUN_PATH = "/agent.v1.AgentService/Run";
const MODELS_PATH = "/agent.v1.AgentService/GetUsableModels";
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(":") || v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

/** A Duplex that yields `head` and then everything the socket receives; writes go to the socket. */
function replaySocket(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy(err ?? undefined);
      cb(err);
    },
  });
  duplex.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("close", () => duplex.destroy());
  socket.resume();
  return duplex;
}

export async function startFakeCursor(options: FakeCursorOptions = {}): Promise<FakeCursor> {
  let scenario = resolveScenario(options.scenario);
  const now = options.now ?? Date.now;
  const tokens = new TokenAuthority(now, scenario.login?.accessTtlSeconds ?? 3600);
  const runs: RunRecord[] = [];
  const logins: LoginRecord[] = [];
  const refreshes: RefreshRecord[] = [];
  const modelRequests: ModelsRecord[] = [];
  const usageRequests: UsageRecord[] = [];
  const seenSubs: string[] = [];
  const checkpoints = new Map<string, IssuedCheckpoint>();
  let checkpointSerial = 0;
  let openStreams = 0;
  const idleWaiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();

  const ctx: RunContext = {
    scenario: () => scenario,
    tokens,
    checkpoints,
    turnCounts: new Map(),
    subOrder: [],
    nextCheckpointSerial: () => ++checkpointSerial,
  };
  const auth = new AuthRoutes({ logins, refreshes, tokens, login: () => scenario.login ?? {} });

  const streamClosed = () => {
    openStreams--;
    if (openStreams === 0) for (const w of [...idleWaiters]) w();
  };

  const usageCtx = {
    usage: () => scenario.usage,
    runs,
    ordinalOf(sub: string) {
      for (const s of ctx.subOrder) if (!seenSubs.includes(s)) seenSubs.push(s);
      if (!seenSubs.includes(sub)) seenSubs.push(sub);
      return seenSubs.indexOf(sub) + 1;
    },
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };

  const unary = async (headers: Record<string, string>, path: string): Promise<UnaryAnswer> => {
    if (path === USAGE_PATH || path === PLAN_PATH) {
      const who = await tokens.verifyBearer(headers.authorization);
      const answer = await usageAnswer(path, who, usageCtx);
      usageRequests.push({ sub: who.ok ? who.sub : null, path, status: answer.status, headers });
      return answer;
    }
    if (path !== MODELS_PATH) {
      return { status: 404, headers: { "content-type": "application/json" }, body: new TextEncoder().encode('{"code":"unimplemented","message":"no such method"}') };
    }
    const who = await tokens.verifyBearer(headers.authorization);
    const answer = modelsAnswer(scenario.models, who, missingHeader(scenario, headers));
    modelRequests.push({ sub: who.ok ? who.sub : null, status: answer.status, headers });
    return answer;
  };

  const onRunStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    const plain = plainHeaders(headers);
    const record = newRunRecord(plain);
    runs.push(record);
    openStreams++;
    const rs = new RunStream(stream, record, scenario.serverHeartbeatMs ?? 1000);
    stream.once("close", streamClosed);
    playRun(rs, ctx, plain.authorization).catch((e: unknown) => {
      if (e instanceof StreamGone || rs.closed) return;
      process.stderr.write(`fake-cursor: script error: ${e instanceof Error ? e.stack : String(e)}\n`);
      void rs.fail("internal", "fake Cursor script error", "script_error").catch(() => {});
    });
  };

  const h2 = createH2Server(options.initialWindowSize !== undefined ? { settings: { initialWindowSize: options.initialWindowSize } } : {});
  h2.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    session.on("error", () => {});
  });
  h2.on("stream", (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    stream.on("error", () => {});
    const path = String(headers[":path"] ?? "");
    if (headers[":method"] === "POST" && path === RUN_PATH) {
      onRunStream(stream, headers);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      void unary(plainHeaders(headers), path).then((a) => {
        if (stream.closed) return;
        stream.respond({ ":status": a.status, ...a.headers });
        stream.end(a.body);
      });
    });
  });

  const h1 = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (auth.handle(req, res, url)) return;
    if (req.method === "POST" && (url.pathname === MODELS_PATH || url.pathname === USAGE_PATH || url.pathname === PLAN_PATH)) {
      req.resume();
      req.on("end", () => {
        void unary(plainHeaders(req.headers), url.pathname).then((a) => res.writeHead(a.status, a.headers).end(a.body));
      });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found on fake Cursor");
  });

  // Tell h2c from HTTP/1.1 by the first bytes, then hand the socket over with them put back.
  const tcp: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true); // the h2 side writes through a JS stream wrapper; no Nagle stalls
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, H2_PREFACE.length);
      const isH2 = seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      if (isH2 && seen.length < H2_PREFACE.length) return; // need more bytes to decide
      socket.off("data", onData);
      socket.pause();
      if (isH2) {
        // nghttp2 reads the socket's handle directly and would miss bytes put back with
        // unshift(), so the h2 side gets a stream that replays them first.
        h2.emit("connection", replaySocket(socket, seen));
      } else {
        socket.unshift(seen);
        h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port ?? 0, "127.0.0.1", () => {
      tcp.off("error", reject);
      resolve();
    });
  });
  const address = tcp.address();
  if (typeof address !== "object" || address === null) throw new Error("fake-cursor: no listening address");
  const port = address.port;
  let closed = false;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get openStreams() {
      return openStreams;
    },
    runs,
    logins,
    refreshes,
    modelRequests,
    usageRequests,
    setUsage(accountKey, spec) {
      const usage = { ...scenario.usage };
      if (spec === null) delete usage[accountKey];
      else usage[accountKey] = spec;
      scenario = { ...scenario, usage };
    },
    setScenario(next) {
      scenario = resolveScenario(next);
      tokens.accessTtlSeconds = scenario.login?.accessTtlSeconds ?? 3600;
    },
    mintAccessToken: (sub, expSeconds) => tokens.mintAccessToken(sub, expSeconds),
    issueRefreshToken: (sub) => tokens.issueRefreshToken(sub),
    revokeRefreshToken: (t) => tokens.revoke(t),
    waitForIdle(ms = 5000) {
      if (openStreams === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          idleWaiters.delete(done);
          resolve();
        };
        const timer = setTimeout(() => {
          idleWaiters.delete(done);
          reject(new Error(`fake-cursor: ${openStreams} Run stream(s) still open after ${ms} ms`));
        }, ms);
        idleWaiters.add(done);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const listening = new Promise<void>((resolve) => tcp.close(() => resolve()));
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      h1.closeAllConnections();
      h2.close();
      await listening;
    },
  };
}
