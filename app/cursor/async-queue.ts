// A small unbounded async queue: producers push, one consumer iterates. It can end
// (the iterator finishes after the buffered items) or fail (the buffered items are
// delivered, then the iterator throws).

export class AsyncQueue<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private waiters: ((r: IteratorResult<T>) => void)[] = [];
  private failures: ((e: unknown) => void)[] = [];
  private done = false;
  private failure: { error: unknown } | undefined;

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
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
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

  private finish(failure: { error: unknown } | undefined): void {
    if (this.done) return;
    this.done = true;
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
