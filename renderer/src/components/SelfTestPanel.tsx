// "Run self-test": the same checks as `cursor-relay doctor`, run inside the relay, one
// line per check with its mark, timing and next step; plus the protocol drift counters
// the Cursor layer keeps (counts and first seen, never contents).
import { useState } from "react";
import type { DriftEntryView, SelfTestReport } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { useAction } from "../hooks/use-action.ts";
import { InlineError } from "./InlineError.tsx";

const MARK = { pass: "✓", fail: "✗", skip: "–" } as const;

function DriftLine({ drift }: { drift: DriftEntryView[] }) {
  const total = drift.reduce((n, e) => n + e.count, 0);
  if (total === 0) {
    return (
      <p className="muted small" data-testid="drift-summary" data-count={0}>
        Protocol drift: nothing unexpected from Cursor
      </p>
    );
  }
  return (
    <div data-testid="drift-summary" data-count={total}>
      <p className="small text-warn">Protocol drift: Cursor sent {total} thing{total === 1 ? "" : "s"} this relay does not know</p>
      <ul className="small mono" data-testid="drift-list">
        {drift.map((e) => (
          <li key={`${e.kind} ${e.key}`}>
            {e.kind} {e.key} ×{e.count} (first {new Date(e.firstSeenAt).toLocaleString()})
          </li>
        ))}
      </ul>
    </div>
  );
}

export function SelfTestPanel({ drift, client }: { drift: DriftEntryView[]; client: ControlClient }) {
  const [report, setReport] = useState<SelfTestReport | null>(null);
  const [run, state] = useAction(() => client.runSelfTest());
  const start = async () => {
    const outcome = await run();
    if (outcome.ok) setReport(outcome.value);
  };
  return (
    <section className="panel card" aria-labelledby="self-test-title" data-testid="self-test-panel">
      <header className="card-header">
        <div className="card-title">
          <h2 id="self-test-title">Self-test</h2>
          <span className="muted small">Keychain, accounts, a live Cursor turn with a tool call, the proxy</span>
        </div>
        <button type="button" className="button" disabled={state.pending} onClick={() => void start()} data-testid="run-self-test">
          {state.pending ? "Running…" : "Run self-test"}
        </button>
      </header>
      <InlineError message={state.error} onDismiss={state.clearError} />
      {report && (
        <div data-testid="self-test-result" data-ok={report.ok}>
          <p className={`small ${report.ok ? "" : "text-warn"}`}>
            {report.ok ? "All checks passed" : `${report.checks.filter((c) => c.status === "fail").length} failed`} · {report.selfTestTokens} tokens
            (not counted in usage)
          </p>
          <ul className="small" data-testid="self-test-checks">
            {report.checks.map((c) => (
              <li key={c.id} data-status={c.status}>
                <span aria-label={c.status}>{MARK[c.status]}</span> {c.title}: {c.detail} <span className="muted">({c.durationMs} ms)</span>
                {c.status === "fail" && c.next && <div className="muted">Next: {c.next}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <DriftLine drift={drift} />
    </section>
  );
}
