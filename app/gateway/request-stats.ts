// Requests per minute and errors in the last 5 minutes, for the proxy view. Counts
// live in per-second buckets of a ring, so memory stays constant under load.
import type { Clock } from "../base/clock.ts";

export interface RequestStats {
  request(): void;
  error(status: number): void;
  requestsPerMinute(): number;
  errorsLast5Min(): number;
}

const WINDOW_S = 300;

export function createRequestStats(clock: Clock): RequestStats {
  const requests = new Array<number>(WINDOW_S).fill(0);
  const errors = new Array<number>(WINDOW_S).fill(0);
  let lastSecond = Math.floor(clock.now() / 1000);

  // Clears the buckets of the seconds that passed since the last call.
  const advance = (): number => {
    const now = Math.floor(clock.now() / 1000);
    const steps = Math.min(now - lastSecond, WINDOW_S);
    for (let i = 1; i <= steps; i++) {
      const slot = (lastSecond + i) % WINDOW_S;
      requests[slot] = 0;
      errors[slot] = 0;
    }
    if (now > lastSecond) lastSecond = now;
    return lastSecond % WINDOW_S;
  };
  const sumLast = (ring: number[], seconds: number): number => {
    const at = advance();
    let n = 0;
    for (let i = 0; i < seconds; i++) n += ring[(at - i + WINDOW_S) % WINDOW_S]!;
    return n;
  };
  return {
    request() {
      requests[advance()]!++;
    },
    error(status) {
      if (status >= 400) errors[advance()]!++;
    },
    requestsPerMinute: () => sumLast(requests, 60),
    errorsLast5Min: () => sumLast(errors, WINDOW_S),
  };
}
