/** A message fit for a dialog or notification. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
