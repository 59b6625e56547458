// Cursor's GetUsableModels answer is not promised to name each model once (nothing in
// its schema says so); every client format lists each id once, the first occurrence kept.
import type { CursorModel } from "../cursor/types.ts";

export function uniqueModels(models: readonly CursorModel[]): CursorModel[] {
  const seen = new Set<string>();
  return models.filter((m) => !seen.has(m.id) && seen.add(m.id));
}
