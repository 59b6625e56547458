// One self-test check: a stable id, a title, what was found and — on failure — the
// user's next step, timed with the injected clock. A check that throws is a failure
// with the error's message (RelayErrors carry a message a user can act on).
import type { Clock } from "../base/clock.ts";
import type { SelfTestCheck, SelfTestStatus } from "../base/control-api.ts";

export interface CheckOutcome {
  status: SelfTestStatus;
  detail: string;
  next?: string | null;
}

export const pass = (detail: string): CheckOutcome => ({ status: "pass", detail });
export const fail = (detail: string, next: string): CheckOutcome => ({ status: "fail", detail, next });
export const skip = (detail: string): CheckOutcome => ({ status: "skip", detail });

/** The next step when a check meets something only a bug report can settle. */
export const BUG_REPORT = "attach `cursor-relay doctor --bundle FILE` to a bug report";
/** The next step when Cursor refuses an account's token. */
export const RELOGIN = "log in again with `cursor-relay login` (the same Cursor user replaces the account), then `cursor-relay doctor` once more";

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function timedCheck(
  clock: Clock,
  id: string,
  title: string,
  run: () => Promise<CheckOutcome>,
  nextOnThrow: string,
): Promise<SelfTestCheck> {
  const started = clock.now();
  let outcome: CheckOutcome;
  try {
    outcome = await run();
  } catch (e) {
    outcome = fail(errorText(e), nextOnThrow);
  }
  return { id, title, status: outcome.status, detail: outcome.detail, next: outcome.next ?? null, durationMs: Math.max(0, clock.now() - started) };
}
