// Tells the user when the relay chose a Cursor model for them: a client model name mapped
// by family (or default/prefix) is logged with both names, once per distinct pair, and an
// account whose live model list could not be fetched is logged as using the built-in list
// (once, until its live list comes back). Exact ids, aliases and modelMap entries are the
// user's own choice and are not logged.
import type { ModelList } from "../cursor/client.ts";
import { isGuess, type ModelResolution } from "../cursor/models.ts";
import type { Logger } from "../base/log.ts";

export interface ModelNotices {
  /** Where an account's model list came from this time. */
  listed(source: ModelList["source"], accountId: string): void;
  resolved(resolution: ModelResolution & { source: ModelList["source"] }, accountId: string): void;
}

const MAX_PAIRS = 1000;

export function createModelNotices(logger: Logger): ModelNotices {
  const pairs = new Set<string>();
  const onBuiltin = new Set<string>();
  const notices: ModelNotices = {
    listed(source, accountId) {
      if (source === "builtin" && !onBuiltin.has(accountId)) {
        onBuiltin.add(accountId);
        logger.warn("Cursor's model list could not be fetched; using the relay's built-in model list", { account: accountId });
      } else if (source === "live") {
        onBuiltin.delete(accountId);
      }
    },
    resolved(r, accountId) {
      notices.listed(r.source, accountId);
      if (!isGuess(r)) return;
      const pair = `${r.clientModel}\n${r.cursorModel}`;
      if (pairs.has(pair)) return;
      if (pairs.size >= MAX_PAIRS) pairs.clear();
      pairs.add(pair);
      logger.info(`model ${r.clientModel} → ${r.cursorModel}`, {
        clientModel: r.clientModel,
        cursorModel: r.cursorModel,
        match: r.match,
        ...(r.family !== undefined ? { family: r.family } : {}),
      });
    },
  };
  return notices;
}
