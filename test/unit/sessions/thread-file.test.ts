// The first-thread table survives a restart: after reopening, a side request that comes
// first still gets a side id, and the main thread keeps the conversation id.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openThreadIds } from "../../../app/sessions/thread-file.ts";
import { ManualClock } from "../../support/manual-clock.ts";

test("which thread came first is saved (debounced, 0600, no message text) and restored", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "cr-threads-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "threads.json");
  const clock = new ManualClock();
  const first = openThreadIds({ path, clock, debounceMs: 1000 });
  assert.equal(first.threads.resolve("conv", "the main question"), "conv");
  const side = first.threads.resolve("conv", "quota");
  assert.notEqual(side, "conv");
  assert.throws(() => statSync(path), "nothing written before the debounce");
  clock.advance(1000);
  await first.flush();
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.doesNotMatch(readFileSync(path, "utf8"), /main question/);
  first.close();

  const second = openThreadIds({ path, clock });
  assert.equal(second.threads.resolve("conv", "quota"), side, "a side request after the restart does not take the main id");
  assert.equal(second.threads.resolve("conv", "the main question"), "conv");
  second.close();

  writeFileSync(path, "{not json");
  const third = openThreadIds({ path, clock });
  assert.equal(third.threads.size, 0, "an unreadable file is ignored");
  third.close();
});
