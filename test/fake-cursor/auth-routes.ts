// The HTTP/1.1 side of the fake: browser login page, login poll and token refresh
// (docs/protocol.md §2), scripted by scenario.login.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import type { LoginRecord, RefreshRecord } from "./records.ts";
import type { LoginScenario } from "./scenario.ts";
import type { TokenAuthority } from "./tokens.ts";

export interface AuthState {
  logins: LoginRecord[];
  refreshes: RefreshRecord[];
  tokens: TokenAuthority;
  login: () => LoginScenario;
}

export class AuthRoutes {
  private readonly byUuid = new Map<string, LoginRecord>();
  private readonly challenges = new Map<string, string>();
  private completed = 0;
  /** Polls that passed the challenge check, per uuid (what the pending count is about). */
  private readonly validPolls = new Map<string, number>();

  constructor(private readonly state: AuthState) {}

  /** Handles the request if it is an auth route; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (req.method === "GET" && url.pathname === "/loginDeepControl") {
      this.deepControl(res, url);
      return true;
    }
    if (req.method === "GET" && url.pathname === "/auth/poll") {
      this.poll(res, url);
      return true;
    }
    if (req.method === "POST" && url.pathname === "/auth/exchange_user_api_key") {
      req.resume();
      req.on("end", () => this.refresh(req, res));
      return true;
    }
    return false;
  }

  private record(uuid: string): LoginRecord {
    let rec = this.byUuid.get(uuid);
    if (!rec) {
      rec = { uuid, polls: 0, visited: false, status: "pending", sub: null, accessToken: null, refreshToken: null };
      this.byUuid.set(uuid, rec);
      this.state.logins.push(rec);
    }
    return rec;
  }

  private deepControl(res: ServerResponse, url: URL): void {
    const uuid = url.searchParams.get("uuid") ?? "";
    const challenge = url.searchParams.get("challenge") ?? "";
    if (uuid === "" || challenge === "") {
      res.writeHead(400, { "content-type": "text/plain" }).end("missing uuid or challenge");
      return;
    }
    this.challenges.set(uuid, challenge);
    this.record(uuid).visited = true;
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end("<!doctype html><title>Fake Cursor</title><p>You are logged in to fake Cursor. You can close this tab.</p>");
  }

  private poll(res: ServerResponse, url: URL): void {
    const uuid = url.searchParams.get("uuid") ?? "";
    const verifier = url.searchParams.get("verifier") ?? "";
    if (uuid === "" || verifier === "") {
      res.writeHead(400, { "content-type": "text/plain" }).end("missing uuid or verifier");
      return;
    }
    const rec = this.record(uuid);
    rec.polls++;
    const challenge = this.challenges.get(uuid);
    if (challenge !== undefined && challenge !== createHash("sha256").update(verifier).digest("base64url")) {
      rec.status = "challenge_mismatch";
      res.writeHead(403, { "content-type": "text/plain" }).end("verifier does not match the challenge");
      return;
    }
    const valid = (this.validPolls.get(uuid) ?? 0) + 1;
    this.validPolls.set(uuid, valid);
    if (rec.status === "completed") {
      this.sendTokens(res, rec.accessToken!, rec.refreshToken!);
      return;
    }
    const script = this.state.login();
    if (script.neverComplete || valid <= (script.pendingPolls ?? 1)) {
      rec.status = "pending";
      res.writeHead(404).end();
      return;
    }
    if (script.fail) {
      rec.status = "failed";
      res.writeHead(script.fail.status, { "content-type": "text/plain" }).end(script.fail.body);
      return;
    }
    this.completed++;
    const subs = script.subs ?? [];
    const sub = subs.length > 0 ? subs[Math.min(this.completed, subs.length) - 1]! : `auth0|user_fake_${this.completed}`;
    const pair = this.state.tokens.issuePair(sub);
    Object.assign(rec, { status: "completed", sub, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    this.sendTokens(res, pair.accessToken, pair.refreshToken);
  }

  private refresh(req: IncomingMessage, res: ServerResponse): void {
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const script = this.state.login();
    const rec: RefreshRecord = { refreshToken: token, status: 200, sub: null, accessToken: null, newRefreshToken: null };
    this.state.refreshes.push(rec);
    if (script.refreshFail) {
      rec.status = script.refreshFail.status;
      res.writeHead(rec.status, { "content-type": "text/plain" }).end(script.refreshFail.body);
      return;
    }
    const sub = this.state.tokens.refreshOwner(token);
    if (sub === undefined) {
      rec.status = 401;
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":"invalid or revoked refresh token"}');
      return;
    }
    rec.sub = sub;
    rec.accessToken = this.state.tokens.mintAccessToken(sub);
    rec.newRefreshToken = script.refreshRotates === false ? token : this.state.tokens.issueRefreshToken(sub);
    this.sendTokens(res, rec.accessToken, rec.newRefreshToken);
  }

  private sendTokens(res: ServerResponse, accessToken: string, refreshToken: string): void {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accessToken, refreshToken }));
  }
}
