// Starting browser logins from this window: opens the login page, remembers which
// logins this window started (their failures and successes are ours to show).
import { useCallback, useState } from "react";
import type { LoginView } from "../../../app/base/control-api.ts";
import type { ControlClient } from "../control/client.ts";
import { openPendingTab } from "../open-url.ts";
import { useAction } from "./use-action.ts";

export interface Logins {
  start(label: string | null): Promise<boolean>;
  starting: boolean;
  startError: string | null;
  clearStartError(): void;
  /** Handles this window started and has not dismissed. */
  mine: ReadonlySet<string>;
  dismiss(handle: string): void;
}

export function useLogins(client: ControlClient): Logins {
  const [mine, setMine] = useState<ReadonlySet<string>>(new Set());
  const [run, state] = useAction(async (label: string | null): Promise<LoginView> => {
    const tab = openPendingTab(); // inside the click, before any await
    try {
      const view = await client.startLogin(label);
      tab.go(view.url);
      return view;
    } catch (e) {
      tab.close();
      throw e;
    }
  });
  const start = useCallback(
    async (label: string | null) => {
      const outcome = await run(label);
      if (outcome.ok) setMine((m) => new Set(m).add(outcome.value.handle));
      return outcome.ok;
    },
    [run],
  );
  const dismiss = useCallback((handle: string) => {
    setMine((m) => {
      const next = new Set(m);
      next.delete(handle);
      return next;
    });
  }, []);
  return { start, starting: state.pending, startError: state.error, clearStartError: state.clearError, mine, dismiss };
}
