// Pulls a run's events one at a time, optionally with a deadline. A pull that times out
// is kept and handed to the next call, so no event is lost between a tool call's
// gather window and the pump that resumes the stream later.
import type { Clock, TimerHandle } from "../base/clock.ts";

export const TIMEOUT = Symbol("timeout");

export interface EventPuller<T> {
  /** The next event, however long it takes. */
  next(): Promise<IteratorResult<T>>;
  /** The next event, or TIMEOUT after ms (the pull stays pending for the next call). */
  nextWithin(ms: number): Promise<IteratorResult<T> | typeof TIMEOUT>;
}

export function createEventPuller<T>(events: AsyncIterable<T>, clock: Clock): EventPuller<T> {
  const iterator = events[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | null = null;
  const pull = (): Promise<IteratorResult<T>> => {
    if (!pending) {
      pending = iterator.next();
      // The stream may fail while nobody awaits it (parked): not an unhandled rejection.
      pending.catch(() => {});
    }
    return pending;
  };
  return {
    async next() {
      try {
        return await pull();
      } finally {
        pending = null;
      }
    },
    async nextWithin(ms) {
      let timer: TimerHandle | undefined;
      const timeout = new Promise<typeof TIMEOUT>((resolve) => {
        timer = clock.setTimeout(() => resolve(TIMEOUT), ms);
      });
      try {
        const r = await Promise.race([pull(), timeout]);
        if (r !== TIMEOUT) pending = null;
        return r;
      } catch (e) {
        pending = null;
        throw e;
      } finally {
        timer?.cancel();
      }
    },
  };
}
