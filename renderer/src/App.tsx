import type { ControlClient } from "./control/client.ts";
import { AccountsSection } from "./components/AccountsSection.tsx";
import { ConnectingScreen, ConnectionBanner, UnauthorizedScreen } from "./components/ConnectionBanner.tsx";
import { ProxyPanel } from "./components/ProxyPanel.tsx";
import { SelfTestPanel } from "./components/SelfTestPanel.tsx";
import { formatTokens } from "./format.ts";
import { useControl } from "./hooks/use-control.ts";
import { useLogins } from "./hooks/use-logins.ts";

export function App({ client }: { client: ControlClient }) {
  const { snapshot, connection } = useControl(client);
  const logins = useLogins(client);
  const stale = connection.status !== "connected";
  const today = snapshot?.accounts.reduce((n, a) => n + a.tokensToday.input + a.tokensToday.output, 0) ?? 0;
  return (
    <div className="app" data-testid="app" data-transport={client.transport}>
      <header className="topbar">
        <div className="brand">
          <svg viewBox="0 0 32 32" className="logo" aria-hidden="true">
            <rect width="32" height="32" rx="8" className="logo-bg" />
            <circle cx="16" cy="16" r="6.5" className="logo-ring" />
            <circle cx="6.5" cy="16" r="2.5" className="logo-dot" />
            <circle cx="25.5" cy="16" r="2.5" className="logo-dot" />
          </svg>
          <h1>Cursor Relay</h1>
        </div>
        {snapshot && (
          <p className="summary muted small" data-testid="summary">
            <span className={`status-dot ${snapshot.proxy.running ? "on" : "off"}`} aria-hidden="true" />
            {snapshot.proxy.running ? "Proxy on" : "Proxy off"} · {snapshot.accounts.length} account{snapshot.accounts.length === 1 ? "" : "s"} ·{" "}
            <span data-testid="summary-tokens-today" data-value={today}>
              {formatTokens(today)}
            </span>{" "}
            tokens today
          </p>
        )}
      </header>

      {connection.status === "unauthorized" ? (
        <UnauthorizedScreen reason={connection.reason} client={client} />
      ) : snapshot === null ? (
        <ConnectingScreen connection={connection} client={client} />
      ) : (
        <>
          <ConnectionBanner connection={connection} client={client} />
          <main className={`layout${stale ? " stale" : ""}`} aria-busy={stale}>
            <AccountsSection snapshot={snapshot} client={client} logins={logins} />
            <aside className="side">
              <ProxyPanel proxy={snapshot.proxy} client={client} />
              <SelfTestPanel drift={snapshot.drift ?? []} client={client} />
            </aside>
          </main>
        </>
      )}
    </div>
  );
}
