// A small async queue: producers push, one consumer iterates. It can end (the iterator
// finishes after the buffered items) or fail (the buffered items are delivered, then the
// iterator throws). push() never refuses; a producer that can wait asks whenRoom().

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiters: ((r: IteratorResult<T>) => void)[] = [];
  private failures: ((e: unknown) => void)[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;
  /** A producer waiting for the consumer to catch up (whenRoom). */
  private room: { below: number; resolve: () => void } | undefined;

  get ended(): boolean {
    return this.done;
  }

  get size(): number {
    return this.items.length;
  }

  push(item: T): boolean {
    if (this.done) return false;
    const waiter = this.waiters.shift();
    this.failures.shift();
    if (waiter) waiter({ value: item, done: false });
    else this.items.push(item);
    return true;
  }

  /** No more items; the consumer sees the buffered ones, then the end. */
  end(): void {
    this.finish(undefined);
  }

  /** The consumer sees the buffered items, then `error` is thrown. */
  fail(error: unknown): void {
    this.finish({ error });
  }

  /** Drops the buffered items (on close). */
  clear(): void {
    this.items = [];
    this.releaseRoom();
  }

  /**
   * Backpressure for the producer: undefined while fewer than `below` items wait, else a
   * promise that resolves once the consumer has taken enough of them (or the queue ended).
   */
  whenRoom(below: number): Promise<void> | undefined {
    if (this.items.length < below || this.done) return undefined;
    return new Promise((resolve) => {
      this.room = { below, resolve };
    });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift() as T;
      if (this.room !== undefined && this.items.length < this.room.below) this.releaseRoom();
      return Promise.resolve({ value, done: false });
    }
    if (this.done) {
      return this.failure ? Promise.reject(this.failure.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      this.failures.push(reject);
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    // A consumer that stops early (break) must not end the queue: the run keeps going
    // and another loop may pull again later.
    // throw() is what Connect calls on a request source when writing failed; the run
    // learns about that failure from the response side, so just stop this iteration.
    return {
      next: () => this.next(),
      return: async () => ({ value: undefined, done: true }),
      throw: async () => ({ value: undefined, done: true }),
    };
  }

  private releaseRoom(): void {
    const room = this.room;
    this.room = undefined;
    room?.resolve();
  }

  private finish(failure: { error: unknown } | undefined): void {
    if (this.done) return;
    this.done = true;
    this.releaseRoom();
    this.failure = failure;
    const waiters = this.waiters;
    const failures = this.failures;
    this.waiters = [];
    this.failures = [];
    waiters.forEach((resolve, i) => {
      if (failure) failures[i]?.(failure.error);
      else resolve({ value: undefined, done: true });
    });
  }
}
