// The last upstream errors (code, kind, status, time — never Cursor's message text,
// which may quote a prompt), kept in a small ring for `cursor-relay doctor --bundle`.
import type { RelayError } from "../base/errors.ts";

export interface UpstreamErrorRecord {
  at: number;
  kind: string;
  status: number;
  upstreamCode: string | null;
}

export interface UpstreamErrorRing {
  note(error: RelayError): void;
  list(): UpstreamErrorRecord[];
  reset(): void;
}

export function createUpstreamErrorRing(size = 20, now: () => number = Date.now): UpstreamErrorRing {
  const ring: UpstreamErrorRecord[] = [];
  return {
    note(error) {
      ring.push({ at: now(), kind: error.kind, status: error.status, upstreamCode: error.upstreamCode ?? null });
      if (ring.length > size) ring.shift();
    },
    list: () => ring.map((r) => ({ ...r })),
    reset: () => void (ring.length = 0),
  };
}

/** The relay's ring (one per process). */
export const upstreamErrors: UpstreamErrorRing = createUpstreamErrorRing();
export const noteUpstreamError = (error: RelayError): void => upstreamErrors.note(error);
