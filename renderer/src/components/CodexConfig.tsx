// "Configure Codex": writes the cursor-relay provider into ~/.codex/config.toml (a
// timestamped backup is kept) and offers Undo, like "Configure Claude Code".
import { useState } from "react";
import type { ConfigureCodexResult } from "../../../app/core/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { useAction } from "../hooks/use-action.ts";
import { InlineError } from "./InlineError.tsx";

export function CodexConfig({ client }: { client: ControlClient }) {
  const [result, setResult] = useState<ConfigureCodexResult | null>(null);
  const [undone, setUndone] = useState(false);
  const [configure, configureState] = useAction(() => client.configureCodex());
  const [undo, undoState] = useAction(() => client.undoConfigureCodex());
  return (
    <div className="claude-code">
      <div className="claude-code-row">
        <div>
          <h3 className="field-label">Configure Codex</h3>
          <p className="small muted">
            Adds the cursor-relay provider to Codex's config.toml (a timestamped backup is kept). Codex reads the key from CURSOR_RELAY_API_KEY (the line above).
          </p>
        </div>
        <button
          type="button"
          className="button button-primary"
          data-testid="configure-codex"
          disabled={configureState.pending}
          onClick={() =>
            void configure().then((o) => {
              if (!o.ok) return;
              setResult(o.value);
              setUndone(false);
            })
          }
        >
          {configureState.pending ? "Configuring…" : "Configure Codex"}
        </button>
      </div>
      {result && !undone && (
        <div className="notice notice-ok" data-testid="configure-codex-result" role="status">
          <p className="small">
            Codex now uses this relay: wrote <code className="mono">{result.configPath}</code>
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
          <button type="button" className="button button-small" data-testid="undo-codex" disabled={undoState.pending} onClick={() => void undo().then((o) => o.ok && setUndone(true))}>
            Undo
          </button>
        </div>
      )}
      {undone && (
        <p className="small muted" role="status" data-testid="undo-codex-done">
          Restored what Codex's config.toml held before.
        </p>
      )}
      <InlineError message={configureState.error ?? undoState.error} />
    </div>
  );
}
