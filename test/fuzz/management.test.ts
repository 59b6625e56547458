// Property-based fuzzing of the management API (/v0/management/…) over real sockets
// against one relay: every route of the control contract plus garbage paths, random
// methods, Host and Origin headers (DNS rebinding, foreign pages), keys (the management
// key, the relay key, wrong ones), bodies and content types. Properties: never a 5xx,
// every error is `{"error":{"type","message"}}`, no CORS header ever, and the gates
// hold in order — a non-loopback Host is 421, a foreign Origin 403, anything but the
// management key 401 — whatever else the request carries.
import { installProcessGuards } from "../support/process-guards.ts";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { controlActions } from "../../app/base/control-contract.ts";
import { FUZZ_BATCH, FUZZ_CASES, FUZZ_SEED, fuzzParameters } from "./support/budget.ts";
import { corsProblems, managementErrorProblems, type Problems } from "./support/formats.ts";
import { parseSse } from "../support/sse.ts";
import { CHEAP_SCENARIO, histogram, startFuzzRelay } from "./support/fuzz-relay.ts";
import { createFuzzClient, type FuzzResponse } from "./support/http-client.ts";
import { applyByteMutation, byteMutation, type ByteMutation } from "./support/mutations.ts";

// (An empty Host cannot be sent with node:http — it substitutes its own; the security tests send it raw.)
type HostKind = "ip" | "localhost" | "ipv6" | "evil" | "suffix" | "trailing-dot" | "bad-port" | "decimal";
type OriginKind = "none" | "own" | "evil" | "null" | "other-loopback" | "https-own";
type KeyKind = "management" | "relay" | "wrong" | "none" | "basic" | "x-api-key" | "lowercase" | "two-tokens";

interface ManagementCase {
  method: string;
  route: { template: string; params: string[] } | { raw: string };
  query: string;
  host: HostKind;
  origin: OriginKind;
  key: KeyKind;
  contentType: string | null;
  body: { json: unknown } | { text: string } | null;
  bodyBytes: ByteMutation[];
}

const LOOPBACK_HOSTS: HostKind[] = ["ip", "localhost", "ipv6"];
const ROUTES = Object.values(controlActions).map((a) => a.path);
const ROUTE_METHODS = new Map<string, string>([...Object.values(controlActions).map((a) => [a.path, a.method] as [string, string]), ["events", "GET"]]);
// Two actions share accounts/:id (PATCH rename, DELETE remove): the map keeps one, the random methods cover the other.
const methodOf = (c: ManagementCase): string =>
  c.method !== "@route" ? c.method : "raw" in c.route ? "GET" : (ROUTE_METHODS.get(c.route.template) ?? "GET");

const idText = fc.oneof(
  fc.constantFrom("@account", "cursor.nobody", "%ZZ", "..", ".", "%2e%2e", "a%2Fb", "x".repeat(300), "%00", "%0A", "%F0%9F%98%80", "__proto__", "constructor"),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const managementCase: fc.Arbitrary<ManagementCase> = fc.record({
  // "@route": the method the route's action takes (so most cases get past the router).
  method: fc.oneof(
    { weight: 12, arbitrary: fc.constant("@route") },
    { weight: 4, arbitrary: fc.constantFrom("GET", "POST", "PATCH", "DELETE") },
    { weight: 1, arbitrary: fc.constantFrom("PUT", "OPTIONS", "HEAD", "TRACE") },
  ),
  route: fc.oneof(
    { weight: 6, arbitrary: fc.record({ template: fc.constantFrom(...ROUTES, "events"), params: fc.array(idText, { minLength: 2, maxLength: 2 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        raw: fc.oneof(
          fc.constantFrom("", "accounts", "accounts/", "logins", "snapshot/", "events/", "relay-key", "../v1/messages", "%2e%2e/%2e%2e/etc/passwd", "accounts//reset"),
          fc.string({ maxLength: 30 }).map((s) => s.split("/").map(encodeURIComponent).join("/")),
        ),
      }),
    },
  ),
  query: fc.oneof({ weight: 5, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom("?revealKey=true", "?revealKey=false", "?revealKey=yes", "?x=1", "?%ZZ", "?revealKey=true&revealKey=false", "?__proto__=1") }),
  host: fc.oneof({ weight: 10, arbitrary: fc.constantFrom<HostKind>(...LOOPBACK_HOSTS) }, { weight: 2, arbitrary: fc.constantFrom<HostKind>("evil", "suffix", "trailing-dot", "bad-port", "decimal") }),
  origin: fc.oneof({ weight: 10, arbitrary: fc.constant<OriginKind>("none") }, { weight: 2, arbitrary: fc.constantFrom<OriginKind>("own", "evil", "null", "other-loopback", "https-own") }),
  key: fc.oneof({ weight: 10, arbitrary: fc.constant<KeyKind>("management") }, { weight: 3, arbitrary: fc.constantFrom<KeyKind>("relay", "wrong", "none", "basic", "x-api-key", "lowercase", "two-tokens") }),
  contentType: fc.oneof({ weight: 6, arbitrary: fc.constant("application/json") }, { weight: 1, arbitrary: fc.constantFrom(null, "text/plain", "application/json; charset=utf-8", "application/jsonx", "multipart/form-data") }),
  body: fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    {
      weight: 4,
      arbitrary: fc.record({
        json: fc.oneof(
          fc.record({ running: fc.oneof(fc.boolean(), fc.jsonValue()) }, { requiredKeys: [] }),
          fc.record({ label: fc.oneof(fc.constant(null), fc.constantFrom("work", "", " ", "a".repeat(65), "-x", "ok label", "\u0000"), fc.jsonValue()) }, { requiredKeys: [] }),
          fc.record({ id: fc.jsonValue(), label: fc.jsonValue(), revealKey: fc.jsonValue(), handle: fc.jsonValue() }, { requiredKeys: [] }),
          fc.jsonValue({ maxDepth: 3 }),
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ text: fc.oneof(fc.constantFrom("{", "nul", "[1,", '{"running":tru}', "\u0000", "x".repeat(70 * 1024)), fc.string({ maxLength: 40 })) }) },
  ),
  bodyBytes: fc.oneof({ weight: 5, arbitrary: fc.constant<ByteMutation[]>([]) }, { weight: 1, arbitrary: fc.array(byteMutation, { maxLength: 2 }) }),
});

test(`fuzz over real sockets: ${FUZZ_CASES} requests to the management API never get a 5xx, always {"error":{type,message}}, and the Host/Origin/key gates hold`, async (t) => {
  const faults = installProcessGuards();
  t.after(() => faults.dispose());
  const home = mkdtempSync(join(tmpdir(), "cr-fuzz-home-"));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const h = await startFuzzRelay(t, { relay: { home } });
  // Logins started by the fuzzer fail at once instead of adding accounts.
  h.fake.setScenario({ ...CHEAP_SCENARIO, login: { pendingPolls: 0, fail: { status: 500, body: "no logins while fuzzing" } } });
  const relayKey = h.key;
  const managementKey = h.app.managementKey;
  const port = h.app.port!;
  const accountId = h.accountIds[0]!;
  const client = createFuzzClient(h.url, { maxSockets: FUZZ_BATCH });
  t.after(() => client.close());

  const hostHeader: Record<HostKind, string> = {
    ip: `127.0.0.1:${port}`,
    localhost: `localhost:${port}`,
    ipv6: `[::1]:${port}`,
    evil: "evil.example",
    suffix: `127.0.0.1.nip.io:${port}`,
    "trailing-dot": `localhost.:${port}`,
    "bad-port": "127.0.0.1:99999",
    decimal: `2130706433:${port}`,
  };
  const originHeader = (c: ManagementCase): string | undefined => {
    const host = hostHeader[c.host];
    switch (c.origin) {
      case "none":
        return undefined;
      case "own":
        return `http://${host}`;
      case "evil":
        return "http://evil.example";
      case "null":
        return "null";
      case "other-loopback":
        return c.host === "localhost" ? `http://127.0.0.1:${port}` : `http://localhost:${port}`;
      case "https-own":
        return `https://${host}`;
    }
  };
  const keyHeaders = (k: KeyKind): Record<string, string> => {
    switch (k) {
      case "management":
        return { authorization: `Bearer ${managementKey}` };
      case "relay":
        return { authorization: `Bearer ${relayKey}` };
      case "wrong":
        return { authorization: `Bearer ${managementKey.slice(1)}x` };
      case "none":
        return {};
      case "basic":
        return { authorization: `Basic ${Buffer.from(`u:${managementKey}`).toString("base64")}` };
      case "x-api-key":
        return { "x-api-key": managementKey };
      case "lowercase":
        return { authorization: `bearer ${managementKey}` };
      case "two-tokens":
        return { authorization: `Bearer ${managementKey} ${managementKey}` };
    }
  };
  const keyAccepted = (k: KeyKind) => k === "management" || k === "lowercase";

  const pathOf = (c: ManagementCase): string => {
    if ("raw" in c.route) return `/v0/management/${c.route.raw}${c.query}`;
    let i = 0;
    const params = c.route.params;
    const path = c.route.template
      .split("/")
      .map((seg) => {
        if (!seg.startsWith(":")) return seg;
        const p = params[i++ % params.length]!;
        return p === "@account" ? encodeURIComponent(accountId) : p;
      })
      .join("/");
    return `/v0/management/${path}${c.query}`;
  };

  const statuses: number[] = [];
  const gates = { host: 0, origin: 0, key: 0, passed: 0, outside: 0 };
  const check = (c: ManagementCase, res: FuzzResponse): Problems => {
    const problems = corsProblems(res);
    if (res.status >= 500 || res.status < 200) problems.push(`status ${res.status}`);
    // A path that dot-segments out of /v0/management/ (`%2e%2e/…`) is not the management API.
    if (!new URL(pathOf(c), "http://relay.invalid").pathname.startsWith("/v0/management/")) {
      gates.outside++;
      if (res.status !== 404 && res.status !== 405 && res.status !== 401) problems.push(`outside the management API: ${res.status}`);
      return problems;
    }
    const hostOk = LOOPBACK_HOSTS.includes(c.host);
    const origin = originHeader(c);
    const originOk = origin === undefined || origin.toLowerCase() === `http://${hostHeader[c.host]}`.toLowerCase();
    if (!hostOk) {
      gates.host++;
      if (res.status !== 421) problems.push(`non-loopback Host ${hostHeader[c.host]} got ${res.status}, not 421`);
    } else if (!originOk) {
      gates.origin++;
      if (res.status !== 403) problems.push(`Origin ${origin} got ${res.status}, not 403`);
    } else if (!keyAccepted(c.key)) {
      gates.key++;
      if (res.status !== 401) problems.push(`key ${c.key} got ${res.status}, not 401`);
    } else {
      gates.passed++;
      if (res.status === 401 || res.status === 403 || res.status === 421) problems.push(`a request that passes every gate got ${res.status}`);
    }
    if (methodOf(c) === "HEAD") return problems;
    if (res.status === 204) {
      if (res.body.length !== 0) problems.push("204 with a body");
    } else if (res.status === 200 && String(res.headers["content-type"]).startsWith("text/event-stream")) {
      const first = parseSse(res.body.toString("utf8"))[0];
      if (first?.event !== "snapshot") problems.push(`event stream starts with ${first?.event}`);
      else if (JSON.parse(first.data).version === undefined) problems.push("snapshot without a version");
    } else if (res.status === 200) {
      try {
        JSON.parse(res.body.toString("utf8"));
      } catch {
        problems.push("200 whose body is not JSON");
      }
    } else {
      problems.push(...managementErrorProblems(res));
    }
    return problems;
  };

  const started = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.array(managementCase, { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), async (cases) => {
      const results = await Promise.all(
        cases.map(async (c) => {
          const headers: Record<string, string> = { host: hostHeader[c.host], ...keyHeaders(c.key) };
          const origin = originHeader(c);
          if (origin !== undefined) headers.origin = origin;
          if (c.contentType !== null) headers["content-type"] = c.contentType;
          let body: Buffer | undefined;
          if (c.body !== null && methodOf(c) !== "GET" && methodOf(c) !== "HEAD") {
            body = Buffer.from("json" in c.body ? JSON.stringify(c.body.json) ?? "" : c.body.text, "utf8");
            for (const m of c.bodyBytes) body = applyByteMutation(body, m);
          }
          const res = await client.send({ method: methodOf(c), path: pathOf(c), headers, body });
          return { c, res, problems: check(c, res) };
        }),
      );
      for (const r of results) statuses.push(r.res.status);
      const bad = results.find((r) => r.problems.length > 0);
      if (bad) {
        const c = bad.c;
        throw new Error(
          `${methodOf(c)} ${pathOf(c)} (host ${c.host}, origin ${c.origin}, key ${c.key}, ${c.contentType}) → ${bad.res.status}: ${bad.problems.join("; ")}\nbody: ${bad.res.body.toString("utf8").slice(0, 400)}`,
        );
      }
    }),
    fuzzParameters(FUZZ_CASES),
  );
  const seconds = (performance.now() - started) / 1000;
  t.diagnostic(
    `${statuses.length} cases in ${seconds.toFixed(1)} s (${Math.round(statuses.length / seconds)}/s), seed ${FUZZ_SEED}: ${histogram(statuses)}; ` +
      `stopped by Host ${gates.host}, by Origin ${gates.origin}, by key ${gates.key}; past the gates ${gates.passed}; outside the API ${gates.outside}`,
  );
  assert.ok(statuses.length >= FUZZ_CASES);
  assert.ok(gates.host > 0 && gates.origin > 0 && gates.key > 0 && gates.passed > FUZZ_CASES / 3, JSON.stringify(gates));
  assert.ok(statuses.includes(200) && statuses.includes(204) && statuses.includes(400) && statuses.includes(404) && statuses.includes(405));

  // Still serving: a snapshot with the management key.
  const snap = await client.send({ method: "GET", path: "/v0/management/snapshot", headers: { authorization: `Bearer ${managementKey}` } });
  assert.equal(snap.status, 200);
  assert.deepEqual(faults.problems, []);
  assert.deepEqual(
    h.logLines.filter((l) => /ERROR \[relay:management\]/.test(l)),
    [],
    "no management request failed with a 5xx",
  );
});

test("account ids that name Object.prototype members are unknown accounts (404) on every account route, and nothing is written", async (t) => {
  const home = mkdtempSync(join(tmpdir(), "cr-fuzz-home-"));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const h = await startFuzzRelay(t, { relay: { home } });
  const client = createFuzzClient(h.url);
  t.after(() => client.close());
  const auth = { authorization: `Bearer ${h.app.managementKey}`, "content-type": "application/json" };
  // quota.json (and its temp file while a save runs) is the usage poller's, written on its own schedule.
  const accountFiles = () =>
    h
      .files()
      .filter((f) => !/quota\.json/.test(f.path))
      .map((f) => f.path + f.text)
      .sort();
  const before = accountFiles();
  for (const id of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
    for (const [method, suffix, body] of [
      ["DELETE", "", undefined],
      ["PATCH", "", { label: "x" }],
      ["POST", "/reset", undefined],
    ] as const) {
      const res = await client.send({
        method,
        path: `/v0/management/accounts/${encodeURIComponent(id)}${suffix}`,
        headers: auth,
        body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
      });
      assert.equal(res.status, 404, `${method} ${id}${suffix}: ${res.body.toString("utf8")}`);
      assert.deepEqual(managementErrorProblems(res), []);
    }
  }
  assert.deepEqual(accountFiles(), before, "no data-dir file changed");
  assert.equal((await h.app.control.getSnapshot()).accounts.length, 1);
});
