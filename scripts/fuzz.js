#!/usr/bin/env node
// `npm run fuzz`: the nightly-style run of the fuzz tests (test/fuzz) — 100,000 cases per
// endpoint instead of CI's 10,000, 3,000 mutated Cursor replies instead of 300, and a fresh
// seed every run (a failure prints FUZZ_SEED=<n> to replay it). Any of FUZZ_RUNS,
// FUZZ_UPSTREAM_RUNS and FUZZ_SEED set in the environment wins; extra arguments narrow
// the files (e.g. `npm run fuzz -- management`).
import { spawnSync } from "node:child_process";

const env = {
  ...process.env,
  FUZZ_RUNS: process.env.FUZZ_RUNS ?? "100000",
  FUZZ_UPSTREAM_RUNS: process.env.FUZZ_UPSTREAM_RUNS ?? "3000",
  FUZZ_SEED: process.env.FUZZ_SEED ?? "random",
  // The load is the point here: one file at a time.
  TEST_CONCURRENCY: process.env.TEST_CONCURRENCY ?? "1",
};
const filters = process.argv.slice(2).map((f) => `test/fuzz/${f}`);
const r = spawnSync(process.execPath, ["scripts/run-tests.js", ...(filters.length > 0 ? filters : ["test/fuzz/"])], {
  cwd: new URL("..", import.meta.url).pathname,
  stdio: "inherit",
  env,
});
process.exit(r.status ?? 1);
