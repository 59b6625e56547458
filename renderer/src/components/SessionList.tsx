import type { LiveSessionView } from "../../../app/base/control-api.ts";
import { SESSION_STATE_LABEL, exactNumber, formatAgo, formatTokens, sessionModelLabel } from "../format.ts";

export function SessionList({ sessions, now }: { sessions: LiveSessionView[]; now: number }) {
  if (sessions.length === 0) {
    return (
      <p className="muted small" data-testid="sessions-empty">
        No live sessions
      </p>
    );
  }
  return (
    <ul className="sessions" aria-label="Live sessions">
      {sessions.map((s) => (
        <li key={s.conversationId} className="session" data-testid="session-row" data-conversation-id={s.conversationId} data-state={s.state}>
          <span className={`session-state session-${s.state}`} data-testid="session-state">
            <span className="badge-dot" aria-hidden="true" />
            {SESSION_STATE_LABEL[s.state]}
          </span>
          <span className="session-model" data-testid="session-model" title={s.conversationId}>
            {sessionModelLabel(s)}
          </span>
          <span className="session-tokens" data-testid="session-tokens" data-value={s.tokens.input + s.tokens.output} title={`${exactNumber(s.tokens.input)} in, ${exactNumber(s.tokens.output)} out, ${exactNumber(s.tokens.cacheRead)} cache read`}>
            {formatTokens(s.tokens.input)} in · {formatTokens(s.tokens.output)} out
          </span>
          <span className="session-started muted">{formatAgo(s.startedAt, now)}</span>
        </li>
      ))}
    </ul>
  );
}
