import type { Snapshot } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { useNow } from "../hooks/use-now.ts";
import type { Logins } from "../hooks/use-logins.ts";
import { AccountCard } from "./AccountCard.tsx";
import { AddAccountButton, LoginProgress } from "./AddAccount.tsx";
import { Illustration } from "./ConnectionBanner.tsx";

export function AccountsSection({ snapshot, client, logins }: { snapshot: Snapshot; client: ControlClient; logins: Logins }) {
  const now = useNow(30_000);
  const { accounts } = snapshot;
  const empty = accounts.length === 0;
  return (
    <section className="accounts" aria-labelledby="accounts-title">
      <header className="section-header">
        <h2 id="accounts-title">
          Accounts <span className="count" data-testid="account-count">{accounts.length}</span>
        </h2>
        {!empty && <AddAccountButton state={logins} />}
      </header>
      <LoginProgress client={client} logins={snapshot.logins} accounts={accounts} state={logins} />
      {empty ? (
        <div className="empty card" data-testid="accounts-empty">
          <Illustration kind="accounts" />
          <h3>No Cursor account yet</h3>
          <p className="muted">Add one by logging in with Cursor in your browser. Add more to spread the load: when one account hits its quota, the next takes over.</p>
          <AddAccountButton state={logins} prominent />
        </div>
      ) : (
        <div className="account-grid">
          {accounts.map((a) => (
            <AccountCard key={a.id} account={a} client={client} now={now} onLogInAgain={(label) => void logins.start(label)} />
          ))}
        </div>
      )}
    </section>
  );
}
