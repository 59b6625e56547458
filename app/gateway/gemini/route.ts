// Which Gemini endpoint a path names: `/v1beta/models`, `/v1beta/models/{model}` or
// `/v1beta/models/{model}:{method}`, and the same under `/v1/` (the @google/genai SDK's
// default since 2.x; Gemini CLI uses v1beta). The colon may arrive percent-encoded.
// `/v1/models` alone is shared with the OpenAI and Anthropic model lists: it is a Gemini
// request only when a Google client header says so.
import { RelayError } from "../../base/errors.ts";

export const GEMINI_PREFIX = "/v1beta/";

const V1_METHOD = /^\/v1\/models\/[^/]+(?::|%3a)/i;

/** True for paths and headers of a Gemini client. */
export function isGeminiRequest(path: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (path.startsWith(GEMINI_PREFIX) || V1_METHOD.test(path)) return true;
  const google = headers["x-goog-api-key"] !== undefined || headers["x-goog-api-client"] !== undefined;
  return google && (path === "/v1/models" || path.startsWith("/v1/models/"));
}

export type GeminiMethod = "generateContent" | "streamGenerateContent" | "countTokens";

export type GeminiTarget =
  | { kind: "list" }
  | { kind: "model"; model: string }
  | { kind: "method"; model: string; method: GeminiMethod };

/** A generate / stream / countTokens call, as its path names it (parsed once, by geminiTarget). */
export type GeminiCall = Extract<GeminiTarget, { kind: "method" }>;

/** A generate call on its way to a chat turn: the call, and how a stream is framed. */
export interface GeminiTurn {
  call: GeminiCall;
  /** ?alt=sse was asked for: a stream is framed as SSE, else as a JSON array (used only when streaming). */
  sse: boolean;
}

const METHODS: ReadonlySet<string> = new Set(["generateContent", "streamGenerateContent", "countTokens"]);

const notFound = (path: string) => new RelayError({ kind: "not_found", status: 404, message: `no Gemini endpoint at ${path}` });

export function geminiTarget(path: string): GeminiTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw notFound(path.slice(0, 200));
  }
  const rest = decoded.replace(/\/+$/, "");
  if (rest === "/v1beta/models" || rest === "/v1/models") return { kind: "list" };
  const m = /^\/v1(?:beta)?\/models\/([^/]+)$/.exec(rest);
  if (!m) throw notFound(path.slice(0, 200));
  const name = m[1]!;
  const colon = name.lastIndexOf(":");
  if (colon < 0) return { kind: "model", model: name };
  const model = name.slice(0, colon);
  const method = name.slice(colon + 1);
  if (model === "" || !METHODS.has(method)) {
    throw new RelayError({
      kind: "not_found",
      status: 404,
      message: `unknown Gemini method ${JSON.stringify(method.slice(0, 60))}; this relay serves generateContent, streamGenerateContent and countTokens`,
    });
  }
  return { kind: "method", model, method: method as GeminiMethod };
}
