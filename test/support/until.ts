// Waiting for a condition that depends on sockets or child processes (not on time): polls
// every few milliseconds and fails the test, naming what it waited for, after `ms`.
export async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
