import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accountsCommand, formatDuration, type AccountRow } from "../../../app/cli/accounts.ts";
import { main } from "../../../app/cli/main.ts";
import { openAccounts } from "../../../app/accounts/open-accounts.ts";
import { usageDayKey } from "../../../app/accounts/status-source.ts";
import { ManualClock } from "../../support/manual-clock.ts";
import { mintJwt } from "./helpers.ts";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: {} }, out, err };
}

async function seed(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), "cr-accounts-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new ManualClock();
  const { registry } = await openAccounts({ dataDir: dir, cursorApi: "http://127.0.0.1:9", secretStore: "file", warn: () => undefined, clock, refreshTimers: false });
  const exp = (clock.now() + 3_600_000) / 1000;
  const a = await registry.addFromLogin({ accessToken: await mintJwt("auth0|user_123", exp), refreshToken: "rt-a" }, null);
  const b = await registry.addFromLogin({ accessToken: await mintJwt("auth0|user_456", exp), refreshToken: "rt-b" }, "work");
  const today = usageDayKey(clock.now());
  writeFileSync(
    join(dir, "state.json"),
    JSON.stringify({
      accounts: {
        [b.id]: {
          cooldownUntil: clock.now() + 90_000,
          cooldownReason: "quota",
          cooldownStatus: 429,
          disabledReason: null,
          authExpired: false,
          tokens: { total: { input: 5000, output: 700, cacheRead: 300 }, days: { [today]: { input: 100, output: 20, cacheRead: 0 }, "2000-01-01": { input: 1, output: 1, cacheRead: 1 } } },
          requests: 7,
          errorsByStatus: { "429": 1 },
          lastUsedAt: clock.now(),
          lastError: "quota",
        },
      },
      somethingElse: true,
    }),
  );
  const global = ["--data-dir", dir, "--secret-store", "file"];
  return { dir, clock, a, b, global };
}

test("accounts --json: id, display label, state, cooldown remaining, tokens today/total, token expiry", async (t) => {
  const { clock, a, b, global } = await seed(t);
  const c = capture();
  assert.equal(await accountsCommand(["--json", ...global], c.io, { clock }), 0);
  const rows = JSON.parse(c.out.join("\n")) as AccountRow[];
  assert.deepEqual(rows.map((r) => [r.id, r.displayLabel, r.state]), [
    [a.id, "Cursor b009ca21", "ready"],
    [b.id, "Cursor work", "cooling"],
  ]);
  const work = rows[1]!;
  assert.equal(work.cooldownRemainingMs, 90_000);
  assert.equal(work.cooldownReason, "quota");
  assert.deepEqual(work.tokensToday, { input: 100, output: 20, cacheRead: 0 });
  assert.deepEqual(work.tokensTotal, { input: 5000, output: 700, cacheRead: 300 });
  assert.equal(work.tokenExpiresAt, new Date(clock.now() + 3_600_000 - 300_000).toISOString());
  assert.equal(rows[0]!.requests, 0);

  const table = capture();
  await accountsCommand(global, table.io, { clock });
  assert.match(table.out[0]!, /^ID\s+LABEL\s+STATE\s+COOLDOWN\s+TODAY\s+TOTAL\s+REQS\s+PLAN\s+AUTO\s+API\s+RESETS\s+TOKEN EXPIRES$/);
  assert.match(table.out[2]!, /^cursor\.work\s+Cursor work\s+cooling\s+1m 30s\s+120\s+6\.0k\s+\d+\s+-\s+-\s+-\s+-\s+in 55m$/);
  clock.advance(91_000);
  const later = capture();
  await accountsCommand(["--json", ...global], later.io, { clock });
  assert.equal((JSON.parse(later.out.join("")) as AccountRow[])[1]!.state, "ready", "cooldown over");
});

test("accounts reset clears the cooldown in state.json atomically and keeps everything else", async (t) => {
  const { dir, clock, b, global } = await seed(t);
  const c = capture();
  assert.equal(await accountsCommand(["reset", b.id, ...global], c.io, { clock }), 0);
  assert.match(c.out.join("\n"), /reset Cursor work \(cursor\.work\)/);
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { accounts: Record<string, Record<string, unknown>>; somethingElse: boolean };
  const e = state.accounts[b.id]!;
  assert.equal(e.cooldownUntil, null);
  assert.equal(e.cooldownReason, null);
  assert.equal(e.cooldownStatus, null);
  assert.equal(e.requests, 7);
  assert.deepEqual(e.errorsByStatus, { "429": 1 });
  assert.equal(state.somethingElse, true);
  const list = capture();
  await accountsCommand(["--json", ...global], list.io, { clock });
  assert.equal((JSON.parse(list.out.join("")) as AccountRow[])[1]!.state, "ready");
});

test("accounts label keeps the id; accounts remove deletes tokens, metadata and usage; unknown ids fail clearly", async (t) => {
  const { dir, clock, a, b, global } = await seed(t);
  const c = capture();
  assert.equal(await accountsCommand(["label", a.id, "home", ...global], c.io, { clock }), 0);
  assert.deepEqual(c.out, [`${a.id} is now shown as Cursor home`]);
  const r = capture();
  assert.equal(await main(["accounts", "remove", b.id, ...global], r.io), 0);
  assert.match(r.out.join(""), /removed Cursor work \(cursor\.work\) and its stored tokens/);
  const settings = readFileSync(join(dir, "settings.json"), "utf8");
  assert.ok(!settings.includes(b.id));
  const state = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as { accounts: Record<string, unknown> };
  assert.equal(state.accounts[b.id], undefined);
  const { secrets } = await openAccounts({ dataDir: dir, cursorApi: "http://x", secretStore: "file", warn: () => undefined, refreshTimers: false });
  assert.equal(await secrets.get(b.id), null);
  assert.notEqual(await secrets.get(a.id), null);

  const u = capture();
  assert.equal(await main(["accounts", "remove", "cursor.nope", ...global], u.io), 1);
  assert.match(u.err.join(""), /cursor-relay accounts: no account "cursor.nope"; run `cursor-relay accounts`/);
  const bad = capture();
  assert.equal(await main(["accounts", "label", a.id, ...global], bad.io), 2);
  assert.match(bad.err.join(""), /takes an account id and a label/);
  const unk = capture();
  assert.equal(await main(["accounts", "frob", ...global], unk.io), 2);
});

test("listing and relabelling never need the keychain", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-accounts-nokc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const broken = {
    getPassword: async () => {
      throw new Error("no keychain here");
    },
    setPassword: async () => undefined,
    deletePassword: async () => true,
  };
  const c = capture();
  assert.equal(await accountsCommand(["--data-dir", dir], c.io, { keytar: broken }), 0);
  assert.deepEqual(c.out, ["no accounts yet; add one with `cursor-relay login`"]);
});

test("durations read naturally", () => {
  assert.equal(formatDuration(5_000), "5s");
  assert.equal(formatDuration(90_000), "1m 30s");
  assert.equal(formatDuration(3_600_000), "1h");
  assert.equal(formatDuration(5 * 86_400_000), "5d");
});
