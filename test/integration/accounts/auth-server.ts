// A small loopback HTTP server with Cursor's three auth endpoints, scripted per test
// (pending counts, failures, which sub logs in). It follows the documented behaviour
// of the shared fake (notes/fake-cursor-api.md) so these tests exercise real sockets
// and real fetch; the shared fake itself is used by fake-cursor.test.ts when present.
import { createServer, type Server } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { SignJWT } from "jose";

export interface PollScript {
  /** How many polls answer 404 before success (default 1); Infinity = pending forever. */
  pending?: number;
  /** Answer this status + body instead of success. */
  fail?: { status: number; body: string };
  /** The sub that logs in (default a fresh auth0|user_test_N). */
  sub?: string;
}

export interface AuthServer {
  url: string;
  polls: number;
  logins: { sub: string; accessToken: string; refreshToken: string }[];
  refreshes: { refreshToken: string; status: number }[];
  script: PollScript;
  mintAccessToken(sub: string, expSeconds?: number): Promise<string>;
  issueRefreshToken(sub: string): string;
  revokeRefreshToken(token: string): void;
  close(): Promise<void>;
}

const key = new TextEncoder().encode("integration-test-key-0123456789ab");

export async function startAuthServer(now: () => number = Date.now): Promise<AuthServer> {
  const refreshOwners = new Map<string, string>();
  const revoked = new Set<string>();
  const challenges = new Map<string, string>();
  const pollCounts = new Map<string, number>();
  let n = 0;
  const mint = (sub: string, exp = Math.floor(now() / 1000) + 3600) =>
    new SignJWT({ sub, exp, iat: Math.floor(now() / 1000), jti: randomBytes(6).toString("hex") }).setProtectedHeader({ alg: "HS256" }).sign(key);
  const issue = (sub: string) => {
    const t = `rt_${randomBytes(18).toString("hex")}`;
    refreshOwners.set(t, sub);
    return t;
  };
  const state: AuthServer = {
    url: "",
    polls: 0,
    logins: [],
    refreshes: [],
    script: {},
    mintAccessToken: mint,
    issueRefreshToken: issue,
    revokeRefreshToken: (t) => void revoked.add(t),
    close: () => new Promise((r) => server.close(() => r())),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    void (async () => {
      if (req.method === "GET" && url.pathname === "/loginDeepControl") {
        challenges.set(url.searchParams.get("uuid") ?? "", url.searchParams.get("challenge") ?? "");
        res.writeHead(200, { "content-type": "text/html" }).end("<p>You are logged in to test Cursor</p>");
        return;
      }
      if (req.method === "GET" && url.pathname === "/auth/poll") {
        state.polls++;
        const uuid = url.searchParams.get("uuid") ?? "";
        const verifier = url.searchParams.get("verifier") ?? "";
        const seen = challenges.get(uuid);
        if (seen !== undefined && seen !== createHash("sha256").update(verifier).digest("base64url")) {
          res.writeHead(403).end("challenge mismatch");
          return;
        }
        const count = (pollCounts.get(uuid) ?? 0) + 1;
        pollCounts.set(uuid, count);
        if (count <= (state.script.pending ?? 1)) {
          res.writeHead(404).end();
          return;
        }
        if (state.script.fail) {
          res.writeHead(state.script.fail.status).end(state.script.fail.body);
          return;
        }
        const sub = state.script.sub ?? `auth0|user_test_${++n}`;
        const login = { sub, accessToken: await mint(sub), refreshToken: issue(sub) };
        state.logins.push(login);
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accessToken: login.accessToken, refreshToken: login.refreshToken }));
        return;
      }
      if (req.method === "POST" && url.pathname === "/auth/exchange_user_api_key") {
        const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        const sub = refreshOwners.get(token);
        if (!sub || revoked.has(token)) {
          state.refreshes.push({ refreshToken: token, status: 401 });
          res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid refresh token"}');
          return;
        }
        state.refreshes.push({ refreshToken: token, status: 200 });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accessToken: await mint(sub), refreshToken: issue(sub) }));
        return;
      }
      res.writeHead(404).end();
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  if (typeof addr !== "object" || addr === null) throw new Error("no address");
  state.url = `http://127.0.0.1:${addr.port}`;
  return state;
}
