import type { AccountState } from "../../../app/base/control-api.ts";
import { ACCOUNT_STATE_LABEL } from "../format.ts";

export function StateBadge({ state }: { state: AccountState }) {
  return (
    <span className={`badge badge-${state}`} data-testid="account-state" data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {ACCOUNT_STATE_LABEL[state]}
    </span>
  );
}
