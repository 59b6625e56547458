import { RelayError } from "../base/errors.ts";

/**
 * What a client may see of an upstream failure. Cursor refusing an account's credentials
 * is not the client's key being wrong: it becomes a 503 that says what to do, so Claude
 * Code does not ask its user for a new API key.
 */
export function clientFacing(err: RelayError): RelayError {
  if (err.kind !== "upstream_auth" && err.kind !== "upstream_forbidden") return err;
  const what = err.kind === "upstream_auth" ? "refused the account's login" : "refused access for the account";
  return new RelayError({
    kind: "upstream_unavailable",
    status: 503,
    message: `Cursor ${what} (${err.message}); add or re-login an account with \`cursor-relay login\` or in the Cursor Relay window`,
    ...(err.upstreamCode !== undefined ? { upstreamCode: err.upstreamCode } : {}),
    cause: err,
  });
}
