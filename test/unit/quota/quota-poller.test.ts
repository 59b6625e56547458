// The quota poller with an injected clock, random and usage reader: when it reads, what a
// failed read keeps, and the 401 → refresh once → retry once path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQuotaPoller, AFTER_FAILURE_DELAY_MS } from "../../../app/accounts/quota-poller.ts";
import type { UsageApi } from "../../../app/accounts/usage-api.ts";
import { RelayError } from "../../../app/base/errors.ts";
import type { QuotaFigures } from "../../../app/base/quota.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { quotaFigures } from "../../support/quota-figures.ts";

const figures = (api: number): QuotaFigures => quotaFigures({ autoPercentUsed: 10, apiPercentUsed: api });

function setup(answers: Array<QuotaFigures | RelayError>, opts: { refreshFails?: boolean; random?: number } = {}) {
  const clock = new ManualClock();
  const tokens: string[] = [];
  const unauthorized: string[] = [];
  let token = "t1";
  const api: UsageApi = {
    async read(t) {
      tokens.push(t);
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (next instanceof RelayError) throw next;
      return next;
    },
  };
  const registry = {
    list: () => [{ id: "a", authExpired: false }] as never,
    getAccessToken: async () => token,
    refreshNow: async (id: string) => {
      unauthorized.push(id);
      if (opts.refreshFails) throw new RelayError({ kind: "upstream_error", status: 502, message: "token refresh failed (status 500)" });
      token = "t2";
      return {} as never;
    },
  };
  const poller = createQuotaPoller({ registry, api, clock, random: () => opts.random ?? 0.5, intervalMs: 300_000 });
  return { clock, poller, tokens, unauthorized };
}

const settle = () => new Promise((r) => setImmediate(r));

test("poller: reads on start, then every interval with jitter from the injected random", async () => {
  const { clock, poller, tokens } = setup([figures(20)], { random: 1 - Number.EPSILON });
  poller.start();
  await settle();
  assert.equal(tokens.length, 1);
  assert.equal(poller.quotaOf("a").figures?.apiPercentUsed, 20);
  assert.equal(poller.quotaOf("a").readAt, clock.now());
  // random → 1: interval + 20 %
  assert.equal(poller.nextPollAt()! - clock.now(), 360_000);
  clock.advance(359_000);
  await settle();
  assert.equal(tokens.length, 1);
  clock.advance(1_000);
  await settle();
  assert.equal(tokens.length, 2);
  poller.close();
});

test("poller: a failed read keeps the last figures and says when they were read", async () => {
  const down = new RelayError({ kind: "upstream_error", status: 502, message: "usage read failed (status 500)" });
  const { clock, poller } = setup([figures(30), down]);
  await poller.refresh("a");
  const readAt = clock.now();
  clock.advance(60_000);
  await poller.refresh("a");
  const q = poller.quotaOf("a");
  assert.equal(q.figures?.apiPercentUsed, 30);
  assert.equal(q.readAt, readAt);
  assert.match(q.readError!, /status 500/);
  assert.equal(q.readErrorAt, readAt + 60_000);
  poller.close();
});

test("poller: a 401 refreshes the token once and retries once with the new token", async () => {
  const rejected = new RelayError({ kind: "upstream_auth", status: 401, message: "usage read failed (status 401)" });
  const { poller, tokens, unauthorized } = setup([rejected, figures(40)]);
  await poller.refresh("a");
  assert.deepEqual(tokens, ["t1", "t2"]);
  assert.deepEqual(unauthorized, ["a"]);
  assert.equal(poller.quotaOf("a").figures?.apiPercentUsed, 40);
  poller.close();
});

test("poller: a 401 whose refresh fails is a failed read (no sign-out mark), not a second retry", async () => {
  const rejected = new RelayError({ kind: "upstream_auth", status: 401, message: "usage read failed (status 401)" });
  const { poller, tokens, unauthorized } = setup([rejected], { refreshFails: true });
  await poller.refresh("a");
  assert.equal(tokens.length, 1);
  assert.deepEqual(unauthorized, ["a"]);
  assert.match(poller.quotaOf("a").readError!, /token refresh failed/);
  poller.close();
});

test("poller: a quota failure asks for a read shortly after, once per burst", async () => {
  const { clock, poller, tokens } = setup([figures(100)]);
  poller.afterQuotaFailure("a");
  poller.afterQuotaFailure("a");
  clock.advance(AFTER_FAILURE_DELAY_MS);
  await settle();
  assert.equal(tokens.length, 1);
  assert.equal(poller.quotaOf("a").figures?.apiPercentUsed, 100);
  poller.close();
});

test("poller: concurrent refreshes of one account share one read", async () => {
  const { poller, tokens } = setup([figures(5)]);
  await Promise.all([poller.refresh("a"), poller.refresh("a"), poller.refresh()]);
  assert.equal(tokens.length, 1);
  poller.close();
});
