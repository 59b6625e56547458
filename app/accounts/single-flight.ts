// At most one run per key at a time: a second ask while one runs shares its promise
// (a token refresh, a usage read); the next ask after it settled starts a new run.
export function singleFlightPerKey<T>(run: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const running = new Map<string, Promise<T>>();
  return (key) => {
    const shared = running.get(key);
    if (shared) return shared;
    const p = run(key).finally(() => running.delete(key));
    running.set(key, p);
    return p;
  };
}
