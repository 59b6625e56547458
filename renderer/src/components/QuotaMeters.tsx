import type { QuotaView } from "../../../app/base/control-api.ts";
import { formatAgo, formatIn } from "../format.ts";
import { useAction } from "../hooks/use-action.ts";
import { InlineError } from "./InlineError.tsx";

interface Props {
  quota: QuotaView;
  now: number;
  /** Reads the figures again now. */
  onRefresh(): Promise<void>;
}

const dateFormat = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

function Meter({ name, label, percent, hint }: { name: string; label: string; percent: number | null; hint: string }) {
  const value = percent === null ? null : Math.max(0, Math.min(100, percent));
  const level = value === null ? "unknown" : value >= 100 ? "full" : value >= 80 ? "high" : "ok";
  return (
    <div className={`meter meter-${level}`} data-testid={`meter-${name}`} data-value={value ?? ""} title={hint}>
      <div className="meter-head small">
        <span>{label}</span>
        <span className="mono">{value === null ? "—" : `${Math.round(value)}% used`}</span>
      </div>
      <div className="meter-track" role="meter" aria-label={`${label} used`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value ?? 0}>
        <div className="meter-fill" style={{ width: `${value ?? 0}%` }} />
      </div>
    </div>
  );
}

/** Cursor's own usage figures for an account: plan, the Auto and API pools, on-demand spend, the reset. */
export function QuotaMeters({ quota: q, now, onRefresh }: Props) {
  const known = q.readAt !== null;
  const [refresh, refreshState] = useAction(onRefresh);
  return (
    <section className="card-section quota" aria-label="Plan usage" data-testid="quota">
      <h4 className="section-label">
        Plan usage {q.plan && <span className="count" data-testid="quota-plan">{q.plan}</span>}
      </h4>
      {!known && <p className="small muted">{q.readError ? `Could not read the usage figures: ${q.readError}` : "Reading the usage figures…"}</p>}
      {known && !q.tracked && <p className="small muted">Cursor does not track usage for this account.</p>}
      {known && q.tracked && (
        <>
          <Meter name="auto" label="Auto" percent={q.autoPercentUsed} hint="Cursor's own models: auto, composer-*" />
          <Meter name="api" label="API" percent={q.apiPercentUsed} hint="Claude, GPT, Gemini and other models" />
          {q.onDemand && (
            <p className="small" data-testid="quota-on-demand">
              On-demand: {dollars(q.onDemand.spentCents)} of {dollars(q.onDemand.limitCents)}
            </p>
          )}
          {q.resetsAt !== null && (
            <p className="small" data-testid="quota-reset">
              Resets {dateFormat.format(new Date(q.resetsAt))} ({formatIn(q.resetsAt, now).replace("expired", "due now")})
            </p>
          )}
          {q.displayMessage && (
            <p className="small quota-message" data-testid="quota-message">
              “{q.displayMessage}”
            </p>
          )}
        </>
      )}
      <div className="quota-footer">
        {known && (
          <p className="small muted" data-testid="quota-read-at">
            Read {formatAgo(q.readAt!, now)}
            {q.readError ? ` · last read failed: ${q.readError}` : ""}
          </p>
        )}
        <button type="button" className="button button-quiet" data-testid="quota-refresh" disabled={refreshState.pending} onClick={() => void refresh()}>
          {refreshState.pending ? "Reading…" : "Refresh"}
        </button>
      </div>
      <InlineError message={refreshState.error} onDismiss={refreshState.clearError} />
    </section>
  );
}
