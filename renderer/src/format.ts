// Numbers and times the way the dashboard shows them.
import type { AccountState, LiveSessionView, SessionState, TokenCounts } from "../../app/base/control-api.ts";

/** 999 → "999", 12_345 → "12.3k", 4_560_000 → "4.56M". */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n)) return "–";
  const abs = Math.abs(n);
  if (abs < 1_000) return String(Math.round(n));
  if (abs < 1_000_000) return `${trim(n / 1_000, abs < 10_000 ? 2 : 1)}k`;
  if (abs < 1_000_000_000) return `${trim(n / 1_000_000, abs < 10_000_000 ? 2 : 1)}M`;
  return `${trim(n / 1_000_000_000, 2)}B`;
}

const trim = (v: number, digits: number) => v.toFixed(digits).replace(/\.?0+$/, "");

export const exactNumber = (n: number): string => n.toLocaleString("en-US");

/** A countdown: "0:09", "12:03", "1:05:03". */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (x: number) => String(x).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** "just now", "3 min ago", "2 h ago", "4 days ago". */
export function formatAgo(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** "in 3 min", "in 5 h", "expired". */
export function formatIn(at: number, now: number): string {
  const s = Math.round((at - now) / 1000);
  if (s <= 0) return "expired";
  if (s < 60) return "in under a minute";
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(h / 24)} days`;
}

/** "2 h 05 min", "12 min", "40 s". */
export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, "0")} min`;
}

export const ACCOUNT_STATE_LABEL: Record<AccountState, string> = {
  ready: "Ready",
  cooling: "Cooling down",
  auth_expired: "Sign-in expired",
  disabled: "Disabled",
};

export const SESSION_STATE_LABEL: Record<SessionState, string> = {
  streaming: "Streaming",
  waiting_tool_result: "Waiting for tool result",
  idle: "Idle",
};

export const sumTokens = (t: TokenCounts): number => t.input + t.output + t.cacheRead;

/** The client's model name, and the Cursor model it was mapped to when that differs ("claude-opus-4-1 → claude-4.5-opus"). */
export function sessionModelLabel(s: Pick<LiveSessionView, "model" | "cursorModel">): string {
  return s.cursorModel === s.model ? s.model : `${s.model} → ${s.cursorModel}`;
}
