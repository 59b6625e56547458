// Runs an async action for a button: pending while it runs, the error (if any) to show
// next to it, cleared by the next attempt. The caller learns whether it worked.
import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../control/client.ts";

export type Outcome<R> = { ok: true; value: R } | { ok: false };

export interface ActionState {
  pending: boolean;
  error: string | null;
  clearError(): void;
}

export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): [(...args: A) => Promise<Outcome<R>>, ActionState] {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A): Promise<Outcome<R>> => {
    setPending(true);
    setError(null);
    try {
      return { ok: true, value: await fnRef.current(...args) };
    } catch (e) {
      if (mounted.current) setError(errorMessage(e));
      return { ok: false };
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clearError = useCallback(() => setError(null), []);
  return [run, { pending, error, clearError }];
}
