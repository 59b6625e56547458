// One relay in front of the fake Cursor, made for fuzzing: every turn that reaches the
// fake is a two-step answer with no prologue, so a mutated request that is still valid
// costs about as much as one that is refused. Records process-level faults too.
import type { Scenario } from "../../fake-cursor/index.ts";
import { startHarness, type Harness, type HarnessOptions } from "../../support/relay-harness.ts";

export const CHEAP_TURN_TEXT = "ok";

export const CHEAP_SCENARIO: Scenario = {
  turns: [{ prologue: false, steps: [{ text: CHEAP_TURN_TEXT }, { tokens: 1 }, { turnEnded: true }] }],
} as Scenario;

export function startFuzzRelay(t: { after(fn: () => unknown): void }, options: HarnessOptions = {}): Promise<Harness> {
  return startHarness(t, { scenario: CHEAP_SCENARIO, ...options });
}

/** "200×12, 400×9000, …" */
export function histogram(statuses: number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(", ");
}
