// Tells every listener about a change. A listener that throws is reported and the rest
// still hear about it; the set is copied first so a listener may unsubscribe itself.
export function notifyAll<T>(listeners: Iterable<(value: T) => void>, value: T, onError: (error: unknown) => void): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (e) {
      onError(e);
    }
  }
}
