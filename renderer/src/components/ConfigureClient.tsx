// "Configure <client>": writes the relay into a client's own config file (a timestamped
// backup is kept) and offers Undo. One component for every client the relay configures,
// so Claude Code and Codex behave and read alike.
import { useState } from "react";
import type { ControlClient } from "../control/client.ts";
import { useAction } from "../hooks/use-action.ts";
import { InlineError } from "./InlineError.tsx";

/** What a Configure action reports, whatever the client. */
export interface ConfigureOutcome {
  path: string;
  backupPath: string | null;
  warning?: string | null;
}

export interface ConfigureClientProps {
  /** Names the buttons and the test ids: "Claude Code" → configure-claude-code, undo-claude-code, … */
  clientName: string;
  testId: string;
  description: string;
  /** Said once Undo went through. */
  undoneText: string;
  configure: (client: ControlClient) => Promise<ConfigureOutcome>;
  undo: (client: ControlClient) => Promise<void>;
  client: ControlClient;
}

export function ConfigureClient(props: ConfigureClientProps) {
  const { client, clientName, testId } = props;
  const [result, setResult] = useState<ConfigureOutcome | null>(null);
  const [undone, setUndone] = useState(false);
  const [configure, configureState] = useAction(() => props.configure(client));
  const [undo, undoState] = useAction(() => props.undo(client));
  return (
    <div className="claude-code">
      <div className="claude-code-row">
        <div>
          <h3 className="field-label">Configure {clientName}</h3>
          <p className="small muted">{props.description}</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          data-testid={`configure-${testId}`}
          disabled={configureState.pending}
          onClick={() =>
            void configure().then((o) => {
              if (!o.ok) return;
              setResult(o.value);
              setUndone(false);
            })
          }
        >
          {configureState.pending ? "Configuring…" : `Configure ${clientName}`}
        </button>
      </div>
      {result && !undone && (
        <div className="notice notice-ok" data-testid={`configure-${testId}-result`} role="status">
          <p className="small">
            {clientName} now uses this relay: wrote <code className="mono">{result.path}</code>
            {result.backupPath ? (
              <>
                {" "}
                (backup: <code className="mono">{result.backupPath}</code>)
              </>
            ) : (
              " (there was no file before)"
            )}
            .
          </p>
          {result.warning && (
            <p className="small" role="alert" data-testid={`configure-${testId}-warning`}>
              Warning: {result.warning}
            </p>
          )}
          <button type="button" className="button button-small" data-testid={`undo-${testId}`} disabled={undoState.pending} onClick={() => void undo().then((o) => o.ok && setUndone(true))}>
            Undo
          </button>
        </div>
      )}
      {undone && (
        <p className="small muted" role="status" data-testid={`undo-${testId}-done`}>
          {props.undoneText}
        </p>
      )}
      <InlineError message={configureState.error ?? undoState.error} />
    </div>
  );
}
