// npm run bench [-- --only ttft,throughput,translation,memory,large-context,startup,stalled-clients,polls]
//
// Runs the relay and the fake Cursor over real loopback sockets (each in its own
// process; this process is the load generator), prints one table and writes
// bench/results.json with every figure, the machine and the date. Every figure is the
// median of several runs after a warm-up, with min and max; relay-vs-direct figures are
// measured side by side, interleaved, in the same run. Not part of `npm test`.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { largeContextFigure, INITIAL_WINDOW, type LargeContextResult } from "./figures/large-context.ts";
import { memoryFigure, type MemoryResult } from "./figures/memory.ts";
import { stalledClientsFigure, type StalledResult } from "./figures/stalled-clients.ts";
import { startupFigure, type StartupResult } from "./figures/startup.ts";
import { throughputFigure, type ThroughputResult } from "./figures/throughput.ts";
import { translationFigure, type TranslationResult } from "./figures/translation.ts";
import { ttftFigure, type TtftLevel } from "./figures/ttft.ts";
import { ttftDuringPollsFigure, type TtftDuringPollsResult } from "./figures/ttft-during-polls.ts";
import { machine } from "./lib/machine.ts";
import { startRig, withRig, BENCH_MAX_CONCURRENT_PER_KEY } from "./lib/rig.ts";
import { range, renderTable, type Row } from "./lib/table.ts";

const FIGURES = ["translation", "ttft", "throughput", "large-context", "memory", "startup", "stalled-clients", "polls"] as const;
type Figure = (typeof FIGURES)[number];

function selected(): Set<Figure> {
  const i = process.argv.indexOf("--only");
  if (i < 0) return new Set(FIGURES);
  const names = (process.argv[i + 1] ?? "").split(",").filter(Boolean);
  for (const n of names) if (!(FIGURES as readonly string[]).includes(n)) throw new Error(`--only: unknown figure ${n} (${FIGURES.join(", ")})`);
  return new Set(names as Figure[]);
}

const say = (m: string) => process.stderr.write(`bench: ${m}\n`);

async function timed<T>(name: string, fn: () => Promise<T> | T, errors: Record<string, string>): Promise<T | undefined> {
  const t0 = performance.now();
  say(`${name}…`);
  try {
    const r = await fn();
    say(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (e) {
    errors[name] = e instanceof Error ? (e.stack ?? e.message) : String(e);
    say(`${name} FAILED: ${errors[name]}`);
    return undefined;
  }
}

function rows(r: {
  ttft?: TtftLevel[] | undefined;
  throughput?: ThroughputResult | undefined;
  translation?: TranslationResult | undefined;
  memory?: MemoryResult | undefined;
  largeContext?: LargeContextResult | undefined;
  startup?: StartupResult | undefined;
  stalled?: StalledResult | undefined;
  polls?: TtftDuringPollsResult | undefined;
}): Row[] {
  const out: Row[] = [];
  for (const l of r.ttft ?? []) {
    out.push({
      figure: `added time to first token${l.api === "responses" ? " (OpenAI Responses)" : ""}, ${l.concurrency} stream${l.concurrency > 1 ? "s" : ""}${l.concurrency > 1 ? (l.stress ? " (stress: 100 B / 10 ms each)" : " (24 B / 100 ms each)") : ""}`,
      result: `p50 ${range(l.addedP50, 2, " ms")}, p99 ${range(l.addedP99, 2, " ms")}; relay p50 ${l.relayP50.median.toFixed(2)} ms vs direct ${l.directP50.median.toFixed(2)} ms${l.errors ? `; ${l.errors} errors` : ""}`,
      target: l.stress ? "none (saturation, shown for scale)" : "p50 ≤ 1 ms, p99 ≤ 5 ms added",
      met: l.stress ? l.errors === 0 : l.addedP50.median <= 1 && l.addedP99.median <= 5 && l.errors === 0,
    });
    out.push({
      figure: `  of which the relay's own (vs a pass-through forwarder process)${l.api === "responses" ? ", Responses" : ""}, ${l.concurrency} stream${l.concurrency > 1 ? "s" : ""}${l.stress ? " (stress)" : ""}`,
      result: `p50 ${range(l.overForwarderP50, 2, " ms")}, p99 ${range(l.overForwarderP99, 2, " ms")}; forwarder p50 ${l.forwardedP50.median.toFixed(2)} ms vs direct ${l.directP50.median.toFixed(2)} ms`,
      target: "none (splits the row above: relay vs being a process)",
      met: l.errors === 0,
    });
  }
  if (r.throughput) {
    const t = r.throughput;
    out.push({
      figure: "streaming throughput (10 MiB in 64-byte deltas)",
      result: `ratio ${range(t.ratio, 2)}; relay ${t.relayMBps.median.toFixed(1)} MB/s vs direct ${t.directMBps.median.toFixed(1)} MB/s`,
      target: "ratio ≥ 0.8",
      met: t.ratio.median >= 0.8,
    });
  }
  if (r.translation) {
    const t = r.translation;
    for (const [name, s, u] of [
      ["Anthropic", t.anthropic, t.anthropicUncoalesced],
      ["OpenAI", t.openai, t.openaiUncoalesced],
      ["OpenAI Responses", t.responses, t.responsesUncoalesced],
      ["Gemini", t.gemini, t.geminiUncoalesced],
    ] as const) {
      out.push({
        figure: `translation cost, ${name} stream writer`,
        result: `${range({ median: s.median / 1000, min: s.min / 1000, max: s.max / 1000 }, 0, "k")} events/s (${(u.median / 1000).toFixed(0)}k uncoalesced)`,
        target: "≥ 200k events/s",
        met: s.median >= 200_000 && u.median >= 200_000,
      });
    }
  }
  if (r.memory) {
    const m = r.memory;
    out.push({
      figure: `concurrency and memory (${m.sessions} sessions, ${m.parked} parked)`,
      result:
        `peak RSS ${range(m.peakRssMB, 0, " MB")} (idle ${m.baselineRssMB.median.toFixed(0)} MB` +
        `${m.allLiveRssMB ? `, all live after GC ${m.allLiveRssMB.median.toFixed(0)} MB` : ""}); ` +
        `${range(m.perParkedKB, 0, " KB")} per parked session; ${m.errors} errors; ${m.maxLiveSessions.median} live at once`,
      target: "≤ 250 MB peak, ≤ 100 KB per parked session, 0 errors",
      met: m.peakRssMB.median <= 250 && m.perParkedKB.median <= 100 && m.errors === 0 && m.maxLiveSessions.median >= m.sessions,
    });
  }
  if (r.largeContext) {
    const l = r.largeContext;
    out.push({
      figure: `large context (${(l.requestBytes / 1e6).toFixed(1)} MB conversation, ${l.initialWindow / 1024} KB window)`,
      result: `added ${range(l.addedMs, 1, " ms")}; relay ${l.relayMs.median.toFixed(0)} ms vs direct ${l.directMs.median.toFixed(0)} ms`,
      target: "≤ 30 ms added",
      met: l.addedMs.median <= 30,
    });
  }
  if (r.startup) {
    out.push({
      figure: "start-up (`cursor-relay serve` to `listening on`)",
      result: `${range(r.startup.ms, 0, " ms")}; from the sources via tsx ${range(r.startup.fromSourceMs, 0, " ms")}`,
      target: "≤ 400 ms",
      met: r.startup.ms.median <= 400,
    });
  }
  if (r.stalled) {
    const s = r.stalled;
    out.push({
      figure: `stalled clients (${s.clients} never reading, ${s.owedMB} MB owed each)`,
      result:
        `peak RSS ${range(s.peakRssMB, 0, " MB")} (idle ${s.baselineRssMB.median.toFixed(0)} MB); ` +
        `Cursor held back after ${range(s.maxSentPerClientMB, 1, " MB")} per client`,
      target: "≤ 150 MB peak",
      met: s.peakRssMB.median <= 150,
    });
  }
  if (r.polls) {
    const p = r.polls;
    out.push({
      figure: `time to first token while usage polls run (1 stream; ~${p.readsPerSecond.median.toFixed(0)} reads/s back to back, each answer ${p.usageAnswerDelayMs} ms late)`,
      result:
        `added p50 ${range(p.addedP50, 2, " ms")}, p99 ${range(p.addedP99, 2, " ms")}; ` +
        `relay p50 ${p.pollingP50.median.toFixed(2)} ms polling vs ${p.idleP50.median.toFixed(2)} ms idle (×${(p.pollingP50.median / p.idleP50.median).toFixed(2)}); ` +
        `relay event-loop delay p99 ${p.pollingLoopDelayP99.median.toFixed(1)} ms polling vs ${p.idleLoopDelayP99.median.toFixed(1)} ms idle, max ${p.pollingLoopDelayMax.median.toFixed(0)} vs ${p.idleLoopDelayMax.median.toFixed(0)} ms${p.errors ? `; ${p.errors} errors` : ""}`,
      target: "p50 ≤ 1 ms, p99 ≤ 5 ms added",
      met: p.addedP50.median <= 1 && p.addedP99.median <= 5 && p.errors === 0,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const only = selected();
  const started = performance.now();
  const at = new Date().toISOString();
  const host = machine();
  say(`${host.cores} × ${host.cpuModel}, Node ${host.node}, load average ${host.loadAverage.join(" ")}`);
  const errors: Record<string, string> = {};

  const translation = only.has("translation") ? await timed("translation", () => translationFigure(), errors) : undefined;
  const ttft = only.has("ttft") ? await timed("time to first token", () => ttftFigure(() => startRig({ forwarder: true })), errors) : undefined;
  const throughput = only.has("throughput") ? await withRig({}, (rig) => timed("throughput", () => throughputFigure(rig), errors)) : undefined;
  const largeContext = only.has("large-context")
    ? await withRig({ initialWindowSize: INITIAL_WINDOW }, (rig) => timed("large context", () => largeContextFigure(rig), errors))
    : undefined;
  const memory = only.has("memory") ? await timed("concurrency and memory", () => memoryFigure(), errors) : undefined;
  const startup = only.has("startup") ? await timed("start-up", () => startupFigure(), errors) : undefined;
  const stalled = only.has("stalled-clients") ? await timed("stalled clients", () => stalledClientsFigure(), errors) : undefined;

  const polls = only.has("polls") ? await withRig({}, (rig) => timed("first token while usage polls run", () => ttftDuringPollsFigure(rig), errors)) : undefined;

  const table = rows({ ttft, throughput, translation, memory, largeContext, startup, stalled, polls });
  const seconds = (performance.now() - started) / 1000;
  const results = {
    date: at,
    command: "npm run bench",
    durationSeconds: Math.round(seconds),
    machine: { ...host, loadAverageAtEnd: machine().loadAverage },
    notes: {
      processes: "fake Cursor, relay and load generator each in their own process, over loopback",
      forwarder: "first-token rows also time a bare HTTP/2 pass-through forwarder process (bench/children/forwarder.ts) in the relay's place",
      maxConcurrentPerKey: `the bench relay admits ${BENCH_MAX_CONCURRENT_PER_KEY} concurrent turns per key (default 64) so 1,000 sessions fit`,
    },
    table,
    figures: { ttft, throughput, translation, memory, largeContext, startup, stalled, polls },
    errors,
  };
  const file = fileURLToPath(new URL("./results.json", import.meta.url));
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  console.log(renderTable(table));
  console.log(`\n${host.cores} × ${host.cpuModel}, Node ${host.node}, ${at.slice(0, 10)}; ${Math.round(seconds)} s; details in bench/results.json`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
}

await main();
