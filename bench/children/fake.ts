// The fake Cursor in its own process, so its work (encoding 10 MB of frames, JWT checks)
// is not charged to the load generator or the relay. argv[2]: the HTTP/2 initial window
// to advertise (optional).
import { serveCalls } from "../lib/child.ts";
import { startFakeCursor, type Scenario } from "../../test/fake-cursor/index.ts";

const windowArg = process.argv[2];
const fake = await startFakeCursor({
  scenario: "text",
  ...(windowArg ? { initialWindowSize: Number(windowArg) } : {}),
});

serveCalls(
  {
    url: () => fake.url,
    setScenario: (scenario: Scenario) => fake.setScenario(scenario),
    mintAccessToken: (sub: string) => fake.mintAccessToken(sub),
    openStreams: () => fake.openStreams,
    /** Outcomes of the recorded runs (then forgets them, so records do not pile up). */
    takeOutcomes: () => {
      const counts: Record<string, number> = {};
      for (const r of fake.runs) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
      fake.runs.length = 0;
      return counts;
    },
    waitForIdle: (ms: number) => fake.waitForIdle(ms),
    /** Tokens written so far by each recorded run (load mode writes one per chunk). */
    sent: () => ({ tokens: fake.runs.map((r) => r.tokensSent) }),
  },
  () => fake.close(),
);
