import { useEffect, useRef, useState, type FormEvent } from "react";
import type { AccountView } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { formatAgo, formatIn } from "../format.ts";
import { useAction } from "../hooks/use-action.ts";
import { Countdown } from "./Countdown.tsx";
import { InlineError } from "./InlineError.tsx";
import { QuotaMeters } from "./QuotaMeters.tsx";
import { SessionList } from "./SessionList.tsx";
import { StateBadge } from "./StateBadge.tsx";
import { TokenChart } from "./TokenChart.tsx";
import { TokenCounters } from "./TokenCounters.tsx";

interface Props {
  account: AccountView;
  client: ControlClient;
  /** Minute-precision clock for "3 min ago" texts (countdowns tick on their own). */
  now: number;
  onLogInAgain(label: string | null): void;
}

export function AccountCard({ account: a, client, now, onLogInAgain }: Props) {
  return (
    <article
      className={`card account account-${a.state}`}
      data-testid={`account-card-${a.id}`}
      data-account-id={a.id}
      data-state={a.state}
      aria-labelledby={`account-title-${a.id}`}
    >
      <AccountHeader account={a} />
      <AccountNotices account={a} client={client} onLogInAgain={onLogInAgain} />

      {a.quota && <QuotaMeters quota={a.quota} now={now} onRefresh={() => client.refreshQuota(a.id)} />}

      <section className="card-section" aria-label="Token usage">
        <TokenCounters today={a.tokensToday} total={a.tokensTotal} />
        <TokenChart perMinute={a.tokensPerMinute} />
      </section>

      <section className="card-section" aria-label="Live sessions">
        <h4 className="section-label">
          Live sessions <span className="count" data-testid="session-count">{a.sessions.length}</span>
        </h4>
        <SessionList sessions={a.sessions} now={now} />
      </section>

      <AccountMeta account={a} now={now} />
      <AccountFooter account={a} client={client} />
    </article>
  );
}

function AccountHeader({ account: a }: { account: AccountView }) {
  return (
    <header className="card-header">
      <div className="card-title">
        <h3 id={`account-title-${a.id}`} data-testid="account-label">
          {a.displayLabel}
        </h3>
        <span className="muted small mono" data-testid="account-id">
          {a.id}
        </span>
      </div>
      <StateBadge state={a.state} />
    </header>
  );
}

/** What a cooling, disabled or signed-out account needs from the user, and the reset action's error. */
function AccountNotices({ account: a, client, onLogInAgain }: { account: AccountView; client: ControlClient; onLogInAgain(label: string | null): void }) {
  const [reset, resetState] = useAction(() => client.resetCooldown(a.id));
  return (
    <>
      {a.state === "cooling" && (
        <div className="notice notice-cooling">
          <div>
            <strong>Back in {a.cooldownUntil !== null ? <Countdown until={a.cooldownUntil} /> : "a moment"}</strong>
            {a.cooldownReason && (
              <p className="small" data-testid="cooldown-reason">
                {a.cooldownReason}
                {a.cooldownStatus !== null ? ` (HTTP ${a.cooldownStatus})` : ""}
              </p>
            )}
          </div>
          <button type="button" className="button" data-testid="reset-cooldown" disabled={resetState.pending} onClick={() => void reset()}>
            {resetState.pending ? "Resetting…" : "Reset"}
          </button>
        </div>
      )}
      {a.state === "disabled" && (
        <div className="notice notice-disabled">
          <p className="small">{a.disabledReason ?? "This account was disabled after Cursor refused it."}</p>
          <button type="button" className="button" data-testid="reset-cooldown" disabled={resetState.pending} onClick={() => void reset()}>
            Re-enable
          </button>
        </div>
      )}
      {a.state === "auth_expired" && <SignedOutNotice account={a} onLogInAgain={onLogInAgain} />}
      <InlineError message={resetState.error} onDismiss={resetState.clearError} />
    </>
  );
}

function SignedOutNotice({ account: a, onLogInAgain }: { account: AccountView; onLogInAgain(label: string | null): void }) {
  return (
    <div className="notice notice-expired">
      <p className="small" data-testid="auth-expired-text">
        {a.credentialsMissing
          ? "Credentials missing — log in again. The stored sign-in for this account is gone (removed from the keychain or the data folder)."
          : "Cursor signed this account out. Log in again to keep using it."}
      </p>
      <button type="button" className="button" data-testid="log-in-again" onClick={() => onLogInAgain(a.label ?? null)}>
        Log in again
      </button>
    </div>
  );
}

function AccountMeta({ account: a, now }: { account: AccountView; now: number }) {
  return (
    <dl className="meta small">
      <div>
        <dt>Requests</dt>
        <dd data-testid="account-requests" data-value={a.requests}>
          {a.requests.toLocaleString("en-US")}
        </dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd>{a.lastUsedAt ? formatAgo(a.lastUsedAt, now) : "never"}</dd>
      </div>
      {a.tokenExpiresAt !== null && a.state !== "auth_expired" && (
        <div>
          <dt>Sign-in token</dt>
          <dd>{a.tokenExpiresAt > now ? `renews ${formatIn(a.tokenExpiresAt, now)}` : "expired"}</dd>
        </div>
      )}
      {a.lastError && (
        <div className="meta-wide">
          <dt>Last error</dt>
          <dd data-testid="account-last-error">{a.lastError}</dd>
        </div>
      )}
    </dl>
  );
}

/** Rename and Remove, each opening its own small form in place of the buttons. */
function AccountFooter({ account: a, client }: { account: AccountView; client: ControlClient }) {
  const [mode, setMode] = useState<"view" | "rename" | "remove">("view");
  return (
    <footer className="card-footer">
      {mode === "view" && (
        <>
          <button type="button" className="button button-quiet" data-testid="rename-account" onClick={() => setMode("rename")}>
            Rename
          </button>
          <button type="button" className="button button-quiet button-danger-text" data-testid="remove-account" onClick={() => setMode("remove")}>
            Remove
          </button>
        </>
      )}
      {mode === "rename" && <RenameForm account={a} client={client} onDone={() => setMode("view")} />}
      {mode === "remove" && <RemoveConfirm account={a} client={client} onCancel={() => setMode("view")} />}
    </footer>
  );
}

function RenameForm({ account, client, onDone }: { account: AccountView; client: ControlClient; onDone(): void }) {
  const [value, setValue] = useState(account.label ?? "");
  const [rename, state] = useAction((label: string) => client.renameAccount(account.id, label));
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if ((await rename(value)).ok) onDone();
  };
  const inputId = `rename-${account.id}`;
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === "Escape" && onDone()}>
      <label htmlFor={inputId} className="small">
        Label
      </label>
      <input
        id={inputId}
        ref={input}
        className="input"
        data-testid="rename-input"
        value={value}
        maxLength={64}
        placeholder="e.g. work"
        onChange={(e) => setValue(e.target.value)}
        aria-describedby={`${inputId}-hint`}
      />
      <span id={`${inputId}-hint`} className="sr-only">
        Leave empty to go back to the default name
      </span>
      <button type="submit" className="button button-primary" data-testid="rename-save" disabled={state.pending}>
        Save
      </button>
      <button type="button" className="button button-quiet" data-testid="rename-cancel" onClick={onDone}>
        Cancel
      </button>
      <InlineError message={state.error} />
    </form>
  );
}

function RemoveConfirm({ account, client, onCancel }: { account: AccountView; client: ControlClient; onCancel(): void }) {
  const [remove, state] = useAction(() => client.removeAccount(account.id));
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div className="confirm" role="alertdialog" aria-labelledby={`remove-q-${account.id}`} onKeyDown={(e) => e.key === "Escape" && onCancel()}>
      <p id={`remove-q-${account.id}`} className="small">
        Remove <strong>{account.displayLabel}</strong>? Its sign-in is deleted from this computer.
      </p>
      <div className="confirm-actions">
        <button ref={confirm} type="button" className="button button-danger" data-testid="remove-confirm" disabled={state.pending} onClick={() => void remove()}>
          {state.pending ? "Removing…" : "Remove account"}
        </button>
        <button type="button" className="button button-quiet" data-testid="remove-cancel" onClick={onCancel}>
          Keep it
        </button>
      </div>
      <InlineError message={state.error} />
    </div>
  );
}
