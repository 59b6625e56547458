// How much fuzzing a run does. CI runs the stated size (10,000 cases per endpoint);
// FUZZ_RUNS raises it for the nightly-style `npm run fuzz`, FUZZ_SEED replays a run.
export const FUZZ_CASES = positiveInt(process.env.FUZZ_RUNS, 10_000);
/** Cases sent at once over the keep-alive pool (one fast-check run = one batch). */
export const FUZZ_BATCH = positiveInt(process.env.FUZZ_BATCH, 32);
/** A fixed seed keeps CI reproducible; FUZZ_SEED=random explores (fast-check prints the seed of a failure). */
export const FUZZ_SEED = seedFrom(process.env.FUZZ_SEED);

function seedFrom(text: string | undefined): number {
  if (text === undefined || text === "") return 20_261_125;
  if (text === "random") return Math.floor(Math.random() * 2 ** 31);
  const n = Number(text);
  if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED: expected an integer or "random", got ${JSON.stringify(text)}`);
  return n;
}

function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

/** fast-check runs needed for `cases` cases in batches of `batch`. */
export const runsFor = (cases: number, batch = FUZZ_BATCH): number => Math.ceil(cases / batch);

/**
 * fast-check parameters for a fuzz property: the seed, the run count, and a failure
 * report that names the seed, the replay path and the failing case's own message
 * (instead of printing a whole batch of 32 mutated 80 KB requests).
 */
export function fuzzParameters(cases: number): {
  numRuns: number;
  seed: number;
  endOnFailure: boolean;
  asyncReporter: (details: { failed: boolean; seed: number; counterexamplePath: string | null; errorInstance: unknown; numRuns: number }) => Promise<void>;
} {
  return {
    numRuns: runsFor(cases),
    seed: FUZZ_SEED,
    // Shrinking a batch of real requests costs more than it tells; the case's message says what broke.
    endOnFailure: true,
    asyncReporter: async (details) => {
      if (!details.failed) return;
      const why = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      throw new Error(`fuzz failure after ${details.numRuns} batches (replay: FUZZ_SEED=${details.seed}, path ${details.counterexamplePath}):\n${why}`);
    },
  };
}
