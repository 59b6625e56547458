import { useCallback, useEffect, useState } from "react";
import type { ClientSetup, ProxyView, SetupBlock } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { formatUptime } from "../format.ts";
import { useAction } from "../hooks/use-action.ts";
import { useNow } from "../hooks/use-now.ts";
import { ConfigureClient } from "./ConfigureClient.tsx";
import { CopyButton } from "./CopyButton.tsx";
import { InlineError } from "./InlineError.tsx";
import { Switch } from "./Switch.tsx";

export function ProxyPanel({ proxy, client }: { proxy: ProxyView; client: ControlClient }) {
  const [revealed, setRevealed] = useState<string | null>(null);
  const [keyVersion, setKeyVersion] = useState(0);
  // The lines as shown: with the key only while the user has it revealed.
  const { setup, setupError } = useClientSetup(client, proxy.address, revealed !== null, keyVersion);

  return (
    <section className="panel card" aria-labelledby="proxy-title" data-testid="proxy-panel">
      <ProxyHeader proxy={proxy} client={client} />
      <ProxyStats proxy={proxy} />

      <RelayKey client={client} keyRequired={proxy.keyRequired} revealed={revealed} setRevealed={setRevealed} onRegenerated={() => setKeyVersion((v) => v + 1)} />

      {setup === null ? (
        setupError === null && (
          <p className="muted small" data-testid="env-loading">
            Loading the set-up lines…
          </p>
        )
      ) : (
        setup.blocks.map((b) => <EnvBlock key={b.id} block={b} client={client} />)
      )}
      <InlineError message={setupError} />

      <ConfigureClients client={client} />
    </section>
  );
}

/** The set-up lines, fetched again when the address, the reveal choice or the key changes. */
function useClientSetup(client: ControlClient, address: string | null, reveal: boolean, keyVersion: number) {
  const [setup, setSetup] = useState<ClientSetup | null>(null);
  const [setupError, setSetupError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    client.getClientSetup({ revealKey: reveal }).then(
      (s) => live && (setSetup(s), setSetupError(null)),
      (e: unknown) => live && setSetupError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [client, address, reveal, keyVersion]);
  return { setup, setupError };
}

/** The title, what the proxy is doing, and the on/off switch. */
function ProxyHeader({ proxy, client }: { proxy: ProxyView; client: ControlClient }) {
  const [toggle, toggleState] = useAction((running: boolean) => client.setProxyRunning(running));
  return (
    <>
      <header className="card-header">
        <div className="card-title">
          <h2 id="proxy-title">Proxy</h2>
          <span className="muted small" data-testid="proxy-status" data-running={proxy.running}>
            {proxy.running ? "Serving Claude Code, OpenAI, Codex and Gemini clients" : "Off: clients are refused"}
          </span>
        </div>
        <Switch checked={proxy.running} label="Proxy on" disabled={toggleState.pending} onChange={(next) => void toggle(next)} testId="proxy-switch" />
      </header>
      <InlineError message={toggleState.error} onDismiss={toggleState.clearError} />
    </>
  );
}

function ProxyStats({ proxy }: { proxy: ProxyView }) {
  const now = useNow(1000, proxy.running);
  return (
    <dl className="meta">
      <div>
        <dt>Address</dt>
        <dd className="mono" data-testid="proxy-address">
          {proxy.address ?? "not listening"}
        </dd>
      </div>
      <div>
        <dt>Requests / min</dt>
        <dd data-testid="proxy-rpm">{proxy.requestsPerMinute}</dd>
      </div>
      <div>
        <dt>Errors (5 min)</dt>
        <dd data-testid="proxy-errors" className={proxy.errorsLast5Min > 0 ? "text-warn" : ""}>
          {proxy.errorsLast5Min}
        </dd>
      </div>
      <div>
        <dt>Up</dt>
        <dd>{proxy.running && proxy.startedAt !== null ? formatUptime(now - proxy.startedAt) : "–"}</dd>
      </div>
    </dl>
  );
}

/** Configure / Undo for the clients whose config files the relay writes. */
function ConfigureClients({ client }: { client: ControlClient }) {
  return (
    <>
      <ConfigureClient
        client={client}
        clientName="Claude Code"
        testId="claude-code"
        description="Writes these settings into Claude Code's settings.json (a timestamped backup is kept)."
        undoneText="Undid what Configure wrote; your other Claude Code settings are kept."
        configure={async (c) => {
          const r = await c.configureClaudeCode();
          return { path: r.settingsPath, backupPath: r.backupPath, warning: r.warning ?? null };
        }}
        undo={(c) => c.undoConfigureClaudeCode()}
      />
      <ConfigureClient
        client={client}
        clientName="Codex"
        testId="codex"
        description="Adds the cursor-relay provider to Codex's config.toml (a timestamped backup is kept). Codex reads the key from CURSOR_RELAY_API_KEY (the line above)."
        undoneText="Restored what Codex's config.toml held before."
        configure={async (c) => {
          const r = await c.configureCodex();
          return { path: r.configPath, backupPath: r.backupPath };
        }}
        undo={(c) => c.undoConfigureCodex()}
      />
    </>
  );
}

function RelayKey(props: {
  client: ControlClient;
  keyRequired: boolean;
  revealed: string | null;
  setRevealed(key: string | null): void;
  onRegenerated(): void;
}) {
  const { client, revealed, setRevealed } = props;
  const [show, showState] = useAction(() => client.revealRelayKey());
  const [regenerate, regenState] = useAction(() => client.regenerateRelayKey());
  const [confirming, setConfirming] = useState(false);
  const copyKey = useCallback(() => client.revealRelayKey(), [client]);

  const toggle = async () => {
    if (revealed !== null) return setRevealed(null);
    const o = await show();
    if (o.ok) setRevealed(o.value);
  };
  const doRegenerate = async () => {
    const o = await regenerate();
    if (!o.ok) return;
    setConfirming(false);
    props.onRegenerated();
    if (revealed !== null) {
      const fresh = await show();
      setRevealed(fresh.ok ? fresh.value : null);
    }
  };

  return (
    <div className="key-row">
      <div className="key-head">
        <span className="field-label" id="relay-key-label">
          Relay key
        </span>
        {!props.keyRequired && <span className="muted small">not required by this relay</span>}
      </div>
      <div className="key-value">
        <code className="mono key" data-testid="relay-key" data-revealed={revealed !== null} aria-labelledby="relay-key-label">
          {revealed ?? "•".repeat(24)}
        </code>
        <button type="button" className="button button-small" data-testid="relay-key-reveal" aria-pressed={revealed !== null} disabled={showState.pending} onClick={() => void toggle()}>
          {revealed !== null ? "Hide" : "Show"}
        </button>
        <CopyButton text={copyKey} testId="relay-key-copy" describedBy="relay-key-label" />
        {!confirming && (
          <button type="button" className="button button-small button-quiet" data-testid="relay-key-regenerate" onClick={() => setConfirming(true)}>
            Regenerate…
          </button>
        )}
      </div>
      {confirming && <RegenerateConfirm pending={regenState.pending} onConfirm={() => void doRegenerate()} onCancel={() => setConfirming(false)} />}
      <InlineError message={showState.error ?? regenState.error} />
    </div>
  );
}

function RegenerateConfirm({ pending, onConfirm, onCancel }: { pending: boolean; onConfirm(): void; onCancel(): void }) {
  return (
    <div className="confirm" role="alertdialog" aria-labelledby="regen-q" onKeyDown={(e) => e.key === "Escape" && onCancel()}>
      <p id="regen-q" className="small">
        Make a new relay key? Clients still using the old one stop working until you update them.
      </p>
      <div className="confirm-actions">
        <button type="button" className="button button-danger" data-testid="relay-key-regenerate-confirm" disabled={pending} onClick={onConfirm} autoFocus>
          Regenerate key
        </button>
        <button type="button" className="button button-quiet" data-testid="relay-key-regenerate-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** One block of set-up lines; its copy button fetches the lines with the real key at click time. */
function EnvBlock({ block, client }: { block: SetupBlock; client: ControlClient }) {
  const text = useCallback(async () => {
    const fresh = (await client.getClientSetup({ revealKey: true })).blocks.find((b) => b.id === block.id);
    if (!fresh) throw new Error(`the relay no longer offers the ${block.title} lines`);
    return fresh.lines.join("\n");
  }, [client, block.id, block.title]);
  const titleId = `env-${block.id}-title`;
  return (
    <div className="env">
      <div className="env-head">
        <h3 className="field-label" id={titleId}>
          {block.title}
        </h3>
        <CopyButton text={text} testId={`copy-env-${block.id}`} describedBy={titleId} />
      </div>
      <pre className="mono env-lines" data-testid={`env-${block.id}`} data-target={block.target} tabIndex={0} aria-labelledby={titleId}>
        {block.lines.join("\n")}
      </pre>
    </div>
  );
}
