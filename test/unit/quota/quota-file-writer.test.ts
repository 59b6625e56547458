// The relay saves usage figures off the event loop: save() returns before anything is
// written, saves made while a write runs collapse into one, and flush() (called on stop)
// resolves once the newest figures are on disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createQuotaFileWriter, QUOTA_FILE, readQuotaFile } from "../../../app/accounts/quota-file.ts";
import { EMPTY_QUOTA, type AccountQuota } from "../../../app/base/quota.ts";
import { quotaFigures } from "../../support/quota-figures.ts";

const reading = (apiPercentUsed: number, readAt: number): AccountQuota => ({
  ...EMPTY_QUOTA,
  figures: quotaFigures({ autoPercentUsed: 1, apiPercentUsed }),
  readAt,
});

test("save() writes nothing on the caller's turn; flush() leaves the newest of many saves on disk", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "quota-writer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const errors: unknown[] = [];
  const writer = createQuotaFileWriter(dir, () => true, (e) => errors.push(e));
  for (let i = 1; i <= 20; i++) writer.save(new Map([["cursor.a", reading(i, 1_000 + i)]]));
  assert.equal(existsSync(join(dir, QUOTA_FILE)), false, "nothing written before the event loop turned");
  await writer.flush();
  assert.equal(readQuotaFile(dir).get("cursor.a")?.figures?.apiPercentUsed, 20);
  assert.deepEqual(errors, []);
  writer.save(new Map([["cursor.a", reading(21, 2_000)], ["cursor.b", reading(5, 2_000)]]));
  await writer.flush();
  assert.deepEqual([...readQuotaFile(dir).keys()].sort(), ["cursor.a", "cursor.b"]);
  assert.equal(readQuotaFile(dir).get("cursor.a")?.figures?.apiPercentUsed, 21);
});

test("a newer reading already in the file (another process's) is kept", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "quota-writer-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const writer = createQuotaFileWriter(dir, () => true);
  writer.save(new Map([["cursor.a", reading(50, 5_000)]]));
  await writer.flush();
  writer.save(new Map([["cursor.a", reading(10, 4_000)]]));
  await writer.flush();
  assert.equal(readQuotaFile(dir).get("cursor.a")?.figures?.apiPercentUsed, 50);
});
