import { useEffect, useRef, useState, type FormEvent } from "react";
import type { AccountView, LoginView } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { useAction } from "../hooks/use-action.ts";
import type { Logins } from "../hooks/use-logins.ts";
import { InlineError } from "./InlineError.tsx";

interface Props {
  client: ControlClient;
  logins: LoginView[];
  accounts: AccountView[];
  state: Logins;
  /** The big call to action of the empty state. */
  prominent?: boolean;
}

/** The "Add Cursor account" button and its form. */
export function AddAccountButton({ state, prominent = false }: Pick<Props, "state" | "prominent">) {
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState("");
  const input = useRef<HTMLInputElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    setLabel("");
    state.clearStartError();
    setTimeout(() => opener.current?.focus(), 0);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await state.start(label.trim() === "" ? null : label.trim())) close();
  };
  if (!open) {
    return (
      <button
        ref={opener}
        type="button"
        className={`button button-primary${prominent ? " button-large" : ""}`}
        data-testid="add-account"
        onClick={() => setOpen(true)}
      >
        <svg viewBox="0 0 16 16" className="icon" aria-hidden="true">
          <path d="M8 3v10M3 8h10" />
        </svg>
        Add Cursor account
      </button>
    );
  }
  return (
    <form className="add-form card" onSubmit={(e) => void submit(e)} onKeyDown={(e) => e.key === "Escape" && close()} data-testid="add-account-form">
      <div className="field">
        <label htmlFor="add-account-label">
          Label <span className="muted">(optional)</span>
        </label>
        <input
          id="add-account-label"
          ref={input}
          className="input"
          data-testid="add-account-label"
          value={label}
          maxLength={64}
          placeholder="e.g. work"
          autoComplete="off"
          onChange={(e) => setLabel(e.target.value)}
          aria-describedby="add-account-hint"
        />
        <p id="add-account-hint" className="small muted">
          Names the account on its card. Your browser opens Cursor's login page next.
        </p>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="add-account-start" disabled={state.starting}>
          {state.starting ? "Opening…" : "Log in with Cursor"}
        </button>
        <button type="button" className="button button-quiet" data-testid="add-account-cancel" onClick={close}>
          Cancel
        </button>
      </div>
      <InlineError message={state.startError} />
    </form>
  );
}

/** Logins in progress (from anywhere: this window, the tray) and this window's outcomes. */
export function LoginProgress({ client, logins, accounts, state }: Omit<Props, "prominent">) {
  const visible = logins.filter((l) => l.state === "waiting" || (state.mine.has(l.handle) && l.state !== "cancelled"));
  if (visible.length === 0) return null;
  return (
    <div className="logins">
      {visible.map((l) => (
        <LoginRow key={l.handle} login={l} client={client} accounts={accounts} onDismiss={() => state.dismiss(l.handle)} />
      ))}
    </div>
  );
}

function LoginRow({ login, client, accounts, onDismiss }: { login: LoginView; client: ControlClient; accounts: AccountView[]; onDismiss(): void }) {
  const [cancel, cancelState] = useAction(() => client.cancelLogin(login.handle));
  if (login.state === "waiting") {
    return (
      <div className="login card" data-testid="login-waiting" data-handle={login.handle} role="status">
        <span className="spinner" aria-hidden="true" />
        <div className="login-text">
          <strong>Waiting for login…</strong>
          <p className="small muted">
            Finish signing in to Cursor in your browser{login.label ? ` (label “${login.label}”)` : ""}.{" "}
            <a href={login.url} target="_blank" rel="noopener noreferrer" data-testid="login-open-again">
              Open the login page again
            </a>
          </p>
          <InlineError message={cancelState.error} />
        </div>
        <button type="button" className="button" data-testid="login-cancel" disabled={cancelState.pending} onClick={() => void cancel()}>
          Cancel
        </button>
      </div>
    );
  }
  if (login.state === "failed") {
    return (
      <div className="login card login-failed" data-testid="login-failed" data-handle={login.handle} role="alert">
        <div className="login-text">
          <strong>Login failed</strong>
          <p className="small">{login.error ?? "Cursor did not confirm the login."}</p>
        </div>
        <button type="button" className="button button-quiet" data-testid="login-dismiss" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  return <LoginSucceeded login={login} accounts={accounts} onDismiss={onDismiss} />;
}

/** "Added Cursor work", which goes away by itself after a while: the card is the real news. */
function LoginSucceeded({ login, accounts, onDismiss }: { login: LoginView; accounts: AccountView[]; onDismiss(): void }) {
  const dismiss = useRef(onDismiss);
  dismiss.current = onDismiss;
  useEffect(() => {
    const t = setTimeout(() => dismiss.current(), 10_000);
    return () => clearTimeout(t);
  }, []);
  const added = accounts.find((a) => a.id === login.accountId);
  return (
    <div className="login card login-succeeded" data-testid="login-succeeded" data-handle={login.handle} role="status">
      <div className="login-text">
        <strong>Added {added?.displayLabel ?? "the account"}</strong>
      </div>
      <button type="button" className="button button-quiet" data-testid="login-dismiss" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
