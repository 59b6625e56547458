// Asserting that something failed with the relay's one error type, of a given kind and
// status; the error is handed back for further checks (message, retryAfterMs, …).
import assert from "node:assert/strict";
import { RelayError } from "../../app/base/errors.ts";

function check(e: unknown, kind: string, status: number): RelayError {
  assert.ok(e instanceof RelayError, `expected a RelayError, got ${String(e)}`);
  assert.equal(e.kind, kind);
  assert.equal(e.status, status);
  return e;
}

export function expectRelayError(fn: () => unknown, kind: string, status: number): RelayError {
  try {
    fn();
  } catch (e) {
    return check(e, kind, status);
  }
  assert.fail(`expected ${kind} ${status}`);
}

export async function rejectsWithRelayError(p: Promise<unknown>, kind: string, status: number): Promise<RelayError> {
  try {
    await p;
  } catch (e) {
    return check(e, kind, status);
  }
  assert.fail(`expected ${kind} ${status}`);
}

/** A client mistake: a 400 `invalid_request` whose message matches `message`. */
export function expectInvalidRequest(fn: () => unknown, message: RegExp): RelayError {
  const e = expectRelayError(fn, "invalid_request", 400);
  assert.match(e.message, message);
  return e;
}
