import assert from "node:assert/strict";
import { test } from "node:test";
import type { SelfTestCheck, SelfTestReport } from "../../../app/base/control-api.ts";
import { selfTestNotice } from "../../../app/electron/self-test-notice.ts";

const check = (id: string, status: SelfTestCheck["status"], next: string | null = null): SelfTestCheck => ({ id, title: `${id} check`, status, detail: `${id} detail`, next, durationMs: 1 });
const report = (checks: SelfTestCheck[]): SelfTestReport => ({ ok: checks.every((c) => c.status !== "fail"), startedAt: 0, finishedAt: 5, checks, selfTestTokens: 7, drift: [] });

test("a passed self-test says how many checks and tokens (skips count as checks)", () => {
  assert.deepEqual(selfTestNotice(report([check("a", "pass"), check("b", "skip")])), {
    title: "Self-test passed",
    body: "2 checks passed; the test used 7 tokens (not counted in usage).",
  });
});

test("a failed self-test names the first failed check and its next step; the count agrees in number", () => {
  assert.deepEqual(selfTestNotice(report([check("a", "pass"), check("b", "fail", "do b"), check("c", "fail")])), {
    title: "Self-test: 2 checks failed",
    body: "b check: b detail\nNext: do b",
  });
  assert.deepEqual(selfTestNotice(report([check("c", "fail")])), { title: "Self-test: 1 check failed", body: "c check: c detail" });
});
