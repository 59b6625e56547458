// Property-based fuzzing of the client routes over real sockets against one relay and
// the fake Cursor: mutated Claude Code / SDK requests, random headers, broken JSON,
// wrong content types and methods. Properties, for every case: no 5xx (a mutated body
// that is still valid may succeed — the fake answers it cheaply), the answer is complete
// and in the client's own format, no CORS header, a wrong key is always a 401 and a
// right one never is; and at the end the relay still serves, nothing leaked, no crash.
import { installProcessGuards } from "../support/process-guards.ts";
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { FUZZ_BATCH, FUZZ_CASES, FUZZ_SEED, fuzzParameters } from "./support/budget.ts";
import {
  anthropicErrorProblems,
  anthropicSuccessProblems,
  corsProblems,
  countTokensProblems,
  geminiCountTokensProblems,
  geminiErrorProblems,
  geminiSuccessProblems,
  openAiErrorProblems,
  openAiSuccessProblems,
  responsesSuccessProblems,
  type Problems,
} from "./support/formats.ts";
import { CHEAP_TURN_TEXT, histogram, startFuzzRelay } from "./support/fuzz-relay.ts";
import { createFuzzClient, type FuzzResponse } from "./support/http-client.ts";
import {
  ANTHROPIC_SEEDS,
  COUNT_TOKENS_SEEDS,
  GEMINI_SEEDS,
  OPENAI_SEEDS,
  RESPONSES_SEEDS,
  authAccepted,
  authHeaders,
  bodyBytes,
  requestCase,
  type RequestCase,
} from "./support/mutations.ts";

interface Endpoint {
  path: string;
  api: "anthropic" | "openai" | "gemini";
  /** The route answers locally (no turn, so no fake answer in the body). */
  countsTokens?: boolean;
  seeds: readonly unknown[];
  suffixes: readonly string[];
  success(res: FuzzResponse): Problems;
}

const ENDPOINTS: Endpoint[] = [
  { path: "/v1/messages", api: "anthropic", seeds: ANTHROPIC_SEEDS, suffixes: ["?beta=true", "/", "?a=%ZZ&b", "/nope"], success: anthropicSuccessProblems },
  { path: "/v1/chat/completions", api: "openai", seeds: OPENAI_SEEDS, suffixes: ["?x=1", "/", "/nope", "?%00"], success: openAiSuccessProblems },
  { path: "/v1/responses", api: "openai", seeds: RESPONSES_SEEDS, suffixes: ["?x=1", "/", "/nope", "?%00"], success: responsesSuccessProblems },
  {
    path: "/v1/messages/count_tokens",
    api: "anthropic",
    seeds: COUNT_TOKENS_SEEDS,
    suffixes: ["?beta=true", "/", "/more"],
    success: countTokensProblems,
    countsTokens: true,
  },
  {
    path: "/v1beta/models/gemini-2.5-pro:generateContent",
    api: "gemini",
    seeds: GEMINI_SEEDS,
    suffixes: ["?key=wrong", "/", "?a=%ZZ&b", "/nope"],
    success: geminiSuccessProblems,
  },
  {
    path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent",
    api: "gemini",
    seeds: GEMINI_SEEDS,
    suffixes: ["?alt=sse", "?alt=sse&x=1", "/", "/nope"],
    success: geminiSuccessProblems,
  },
  {
    path: "/v1beta/models/gemini-2.5-pro:countTokens",
    api: "gemini",
    seeds: GEMINI_SEEDS,
    suffixes: ["?x=1", "/", "/more"],
    success: geminiCountTokensProblems,
    countsTokens: true,
  },
];

/** Suffixes that still name the route itself (so auth must decide the status). */
const SAME_ROUTE = new Set(["", "/", "?beta=true", "?x=1", "?a=%ZZ&b", "?%00", "?alt=sse", "?alt=sse&x=1"]);

for (const endpoint of ENDPOINTS) {
  test(`fuzz over real sockets: ${FUZZ_CASES} mutated requests to POST ${endpoint.path} never get a 5xx and always get a ${endpoint.api} answer`, async (t) => {
    const faults = installProcessGuards();
    t.after(() => faults.dispose());
    const h = await startFuzzRelay(t);
    const client = createFuzzClient(h.url, { maxSockets: FUZZ_BATCH });
    t.after(() => client.close());

    const statuses: number[] = [];
    let succeededTurns = 0;
    const started = performance.now();

    const check = (c: RequestCase, res: FuzzResponse): Problems => {
      const problems = corsProblems(res);
      if (res.status >= 500 || res.status < 200) problems.push(`status ${res.status}`);
      const sameRoute = c.method === "POST" && SAME_ROUTE.has(c.pathSuffix);
      if (sameRoute && !authAccepted(c.headers.auth) && res.status !== 401) problems.push(`auth ${c.headers.auth} got ${res.status}, not 401`);
      if (authAccepted(c.headers.auth) && res.status === 401) problems.push(`auth ${c.headers.auth} was refused`);
      if (c.method === "HEAD") return problems;
      if (res.status >= 200 && res.status < 300) {
        problems.push(...endpoint.success(res));
        if (!endpoint.countsTokens) {
          if (!res.body.toString("utf8").includes(CHEAP_TURN_TEXT)) problems.push("a successful turn without the fake's answer");
          succeededTurns++;
        }
      } else {
        const errorProblems = { anthropic: anthropicErrorProblems, openai: openAiErrorProblems, gemini: geminiErrorProblems }[endpoint.api];
        problems.push(...errorProblems(res));
      }
      return problems;
    };

    await fc.assert(
      fc.asyncProperty(fc.array(requestCase(endpoint.seeds, endpoint.suffixes), { minLength: FUZZ_BATCH, maxLength: FUZZ_BATCH }), async (cases) => {
        const results = await Promise.all(
          cases.map(async (c) => {
            const body = bodyBytes(endpoint.seeds, c);
            const headers: Record<string, string> = { ...c.headers.extra, ...authHeaders(c.headers.auth, h.key) };
            if (c.headers.contentType !== null) headers["content-type"] = c.headers.contentType;
            if (c.headers.anthropicVersion !== null) headers["anthropic-version"] = c.headers.anthropicVersion;
            const res = await client.send({
              method: c.method,
              path: endpoint.path + c.pathSuffix,
              headers,
              body: c.method === "GET" || c.method === "HEAD" ? undefined : body,
              chunked: c.chunked,
            });
            return { c, res, problems: check(c, res) };
          }),
        );
        for (const r of results) statuses.push(r.res.status);
        const bad = results.find((r) => r.problems.length > 0);
        if (bad) {
          const req = `${bad.c.method} ${endpoint.path}${bad.c.pathSuffix} (${bad.c.headers.auth}, ${bad.c.headers.contentType})`;
          throw new Error(`${req} → ${bad.res.status}: ${bad.problems.join("; ")}\nbody: ${bad.res.body.toString("utf8").slice(0, 500)}`);
        }
      }),
      fuzzParameters(FUZZ_CASES),
    );
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`${statuses.length} cases in ${seconds.toFixed(1)} s (${Math.round(statuses.length / seconds)}/s), seed ${FUZZ_SEED}: ${histogram(statuses)}; ${succeededTurns} turns answered by the fake`);

    assert.ok(statuses.length >= FUZZ_CASES, `${statuses.length} cases run`);
    assert.ok(statuses.some((s) => s === 400), "some cases were refused as malformed");
    if (!endpoint.countsTokens) assert.ok(succeededTurns > 0, "some mutated requests were still valid and succeeded");
    // Still alive and clean afterwards: a plain request works, no turn and no upstream stream is left open.
    const ok = await client.send({
      method: "POST",
      path: endpoint.path,
      headers: { "x-api-key": h.key, "content-type": "application/json" },
      body: Buffer.from(JSON.stringify(endpoint.seeds[0])),
    });
    assert.equal(ok.status, 200, ok.body.toString("utf8"));
    await h.fake.waitForIdle(10_000);
    assert.equal(h.app.parts.gateway.activeTurns, 0);
    assert.deepEqual(faults.problems, []);
    assert.deepEqual(
      h.logLines.filter((l) => / (WARN|ERROR) \[relay:gateway\] request failed/.test(l)),
      [],
      "no request failed with a 5xx",
    );
  });
}
