// Which Gemini endpoint a path names: `/v1beta/models`, `/v1beta/models/{model}` or
// `/v1beta/models/{model}:{method}`. The model part may arrive percent-encoded
// (`%3AgenerateContent`) and may contain dots and slashes' encoded forms.
import { RelayError } from "../../core/errors.ts";

export const GEMINI_PREFIX = "/v1beta/";

export type GeminiMethod = "generateContent" | "streamGenerateContent" | "countTokens";

export type GeminiTarget =
  | { kind: "list" }
  | { kind: "model"; model: string }
  | { kind: "method"; model: string; method: GeminiMethod };

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
  if (rest === "/v1beta/models") return { kind: "list" };
  const m = /^\/v1beta\/models\/([^/]+)$/.exec(rest);
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
