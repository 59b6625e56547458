// Reading a Cursor Run's events in tests: all of them to the end, or up to the RelayError
// it fails with.
import assert from "node:assert/strict";
import { RelayError } from "../../app/base/errors.ts";
import type { CursorEvent } from "../../app/cursor/types.ts";

/** Every event of the Run, read to its end (rejects when the Run fails). */
export async function runEvents(run: { events: AsyncIterable<CursorEvent> }): Promise<CursorEvent[]> {
  const out: CursorEvent[] = [];
  for await (const e of run.events) out.push(e);
  return out;
}

/** The events the Run gave before it failed, and its RelayError; the test fails when the Run ends well. */
export async function runFailure(run: { events: AsyncIterable<CursorEvent> }): Promise<{ seen: CursorEvent[]; error: RelayError }> {
  const seen: CursorEvent[] = [];
  try {
    for await (const e of run.events) seen.push(e);
  } catch (e) {
    assert.ok(e instanceof RelayError, String(e));
    return { seen, error: e };
  }
  return assert.fail(`expected the Run to fail, got ${JSON.stringify(seen.map((e) => e.type))}`);
}
