import type { ConnectionState, ControlClient } from "../control/client.ts";
import { useNow } from "../hooks/use-now.ts";

/** Shown above stale data while the event stream is down. */
export function ConnectionBanner({ connection, client }: { connection: ConnectionState; client: ControlClient }) {
  const now = useNow(1000, connection.status === "retrying");
  if (connection.status === "connected" || connection.status === "unauthorized") return null;
  return (
    <div className="banner" role="status" data-testid="connection-banner" data-status={connection.status}>
      <span className="spinner spinner-small" aria-hidden="true" />
      {connection.status === "connecting" ? (
        <span>Reconnecting to the relay…</span>
      ) : (
        <span>
          Lost the connection to the relay ({connection.reason}). Retrying in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s; what you
          see may be out of date.
        </span>
      )}
      {connection.status === "retrying" && (
        <button type="button" className="button button-small" data-testid="retry-now" onClick={() => client.retryNow()}>
          Retry now
        </button>
      )}
    </div>
  );
}

/** The whole page before the first snapshot arrived. */
export function ConnectingScreen({ connection, client }: { connection: ConnectionState; client: ControlClient }) {
  const now = useNow(1000, connection.status === "retrying");
  if (connection.status === "retrying") {
    return (
      <div className="screen" data-testid="connection-error" role="alert">
        <Illustration kind="offline" />
        <h2>Can't reach Cursor Relay</h2>
        <p className="muted">
          {connection.reason}. Is <code className="mono">cursor-relay serve</code> (or the Cursor Relay app) still running?
        </p>
        <p className="muted small">Trying again in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s.</p>
        <button type="button" className="button button-primary" data-testid="retry-now" onClick={() => client.retryNow()}>
          Retry now
        </button>
      </div>
    );
  }
  return (
    <div className="loading" data-testid="loading" aria-busy="true">
      <p className="sr-only" role="status">
        Connecting to Cursor Relay…
      </p>
      <div className="skeleton-grid" aria-hidden="true">
        <div className="card skeleton" />
        <div className="card skeleton" />
        <div className="card skeleton skeleton-side" />
      </div>
      <p className="muted center">Connecting to Cursor Relay…</p>
    </div>
  );
}

export function UnauthorizedScreen({ reason, client }: { reason: string; client: ControlClient }) {
  return (
    <div className="screen" data-testid="unauthorized" role="alert">
      <Illustration kind="key" />
      <h2>This dashboard needs its key</h2>
      <p className="muted">
        Open the link that <code className="mono">cursor-relay serve</code> printed in its terminal: it ends in <code className="mono">#key=…</code>.
      </p>
      <p className="muted small">The relay said: {reason}</p>
      <button type="button" className="button" onClick={() => client.retryNow()}>
        Try again
      </button>
    </div>
  );
}

export function Illustration({ kind }: { kind: "offline" | "key" | "accounts" }) {
  return (
    <svg className="illustration" viewBox="0 0 96 96" aria-hidden="true">
      <circle cx="48" cy="48" r="44" className="ill-bg" />
      {kind === "offline" && (
        <g className="ill-fg" fill="none" strokeWidth="5" strokeLinecap="round">
          <path d="M26 44a32 32 0 0 1 44 0" />
          <path d="M34 53a20 20 0 0 1 28 0" />
          <circle cx="48" cy="63" r="3" className="ill-dot" />
          <path d="M28 70L68 28" className="ill-slash" />
        </g>
      )}
      {kind === "key" && (
        <g className="ill-fg" fill="none" strokeWidth="5" strokeLinecap="round" strokeLinejoin="round">
          <circle cx="38" cy="48" r="11" />
          <path d="M49 48h22M63 48v8M71 48v6" />
        </g>
      )}
      {kind === "accounts" && (
        <g className="ill-fg" fill="none" strokeWidth="5" strokeLinecap="round">
          <circle cx="48" cy="40" r="11" />
          <path d="M28 70a20 20 0 0 1 40 0" />
          <path d="M70 24v14M63 31h14" className="ill-accent" />
        </g>
      )}
    </svg>
  );
}
