// Shared bits for the accounts unit tests: real HS256 JWTs, a clock that records the
// waits it was asked for, and a scripted fetch for logic-only tests (the socket-level
// tests against the fake Cursor live in test/integration/accounts).
import { SignJWT } from "jose";
import type { Clock } from "../../../app/base/clock.ts";
import { ManualClock } from "../../support/manual-clock.ts";

const key = new TextEncoder().encode("unit-test-key-unit-test-key-1234");

export function mintJwt(sub: string, expSeconds: number): Promise<string> {
  return new SignJWT({ sub, exp: expSeconds }).setProtectedHeader({ alg: "HS256" }).sign(key);
}

export class RecordingClock extends ManualClock {
  readonly waits: number[] = [];
  override setTimeout(fn: () => void, ms: number) {
    this.waits.push(ms);
    return super.setTimeout(fn, ms);
  }
}

export const asClock = (c: ManualClock): Clock => c;

export const flush = () => new Promise<void>((r) => setImmediate(r));

export type Script = (url: string, init: RequestInit | undefined) => Response | Promise<Response>;

/** A fetch that answers from a script and records every call. */
export function scriptedFetch(script: Script) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return script(url, init);
  };
  return { fetch: fetchImpl, calls };
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
