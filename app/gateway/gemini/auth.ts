// The relay key as Gemini clients send it: `x-goog-api-key` (the SDKs and Gemini CLI), then
// the headers every other route reads (`x-api-key`, `Authorization: Bearer`), then `?key=`
// on the URL (headers first: a URL is the likelier place for a stale key). Checked with
// the same constant-time comparison as every other route.
import type { IncomingHttpHeaders } from "node:http";
import { checkPresentedKey, presentedKey } from "../http/auth.ts";

export function presentedGeminiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | null {
  const goog = headers["x-goog-api-key"];
  if (typeof goog === "string" && goog.trim() !== "") return goog.trim();
  const fromHeaders = presentedKey(headers);
  if (fromHeaders !== null) return fromHeaders;
  const fromQuery = query.get("key");
  return fromQuery !== null && fromQuery.trim() !== "" ? fromQuery.trim() : null;
}

export function requireGeminiKey(headers: IncomingHttpHeaders, query: URLSearchParams, expected: string): string {
  return checkPresentedKey(presentedGeminiKey(headers, query), expected, "`x-goog-api-key` (GEMINI_API_KEY) or `?key=`");
}
