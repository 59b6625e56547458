import { useEffect, useState } from "react";
import { copyText } from "../clipboard.ts";
import { useAction } from "../hooks/use-action.ts";
import { InlineError } from "./InlineError.tsx";

interface Props {
  /** Fetches the text at click time (secrets are read only when the user asks). */
  text: () => Promise<string>;
  label?: string;
  testId: string;
  describedBy?: string;
}

export function CopyButton({ text, label = "Copy", testId, describedBy }: Props) {
  const [copied, setCopied] = useState(false);
  const [copy, state] = useAction(async () => copyText(await text()));
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <>
      <button
        type="button"
        className="button button-small"
        data-testid={testId}
        aria-describedby={describedBy}
        disabled={state.pending}
        onClick={() => void copy().then((o) => setCopied(o.ok))}
      >
        {copied ? "Copied ✓" : label}
      </button>
      <span className="sr-only" role="status">
        {copied ? "Copied to the clipboard" : ""}
      </span>
      <InlineError message={state.error} onDismiss={state.clearError} />
    </>
  );
}
