// A lean HTTP client for the relay's Anthropic (and OpenAI Responses) endpoint: keep-alive
// sockets, the time to the first text delta, and the raw SSE bytes (parsed only after the clock stopped, so
// the load generator costs as little as possible while measuring).
import { Agent, request } from "node:http";
import { parseSse } from "../../test/support/sse.ts";

export interface StreamResult {
  status: number;
  /** ms from sending the request to the first `text_delta` byte (NaN when none came). */
  ttftMs: number;
  /** ms from sending the request to the end of the response. */
  totalMs: number;
  bytes: number;
  /** The response body (only when keepBody). */
  body: string;
}

const MARK = '"text_delta"';
const RESPONSES_MARK = '"response.output_text.delta"';

export interface RelayClient {
  stream(body: unknown, options?: { keepBody?: boolean }): Promise<StreamResult>;
  /** The same over POST /v1/responses: the clock stops at the first output_text delta. */
  streamResponses(body: unknown): Promise<StreamResult>;
  close(): void;
}

export function createRelayClient(baseUrl: string, key: string): RelayClient {
  const anthropic = { url: new URL("/v1/messages", baseUrl), mark: MARK, headers: { "x-api-key": key, "anthropic-version": "2023-06-01" } };
  const responses = { url: new URL("/v1/responses", baseUrl), mark: RESPONSES_MARK, headers: { authorization: `Bearer ${key}` } };
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 2048 });
  return {
    stream: (body, options = {}) => send(anthropic, body, options),
    streamResponses: (body) => send(responses, body, {}),
    close: () => agent.destroy(),
  };

  function send(route: { url: URL; mark: string; headers: Record<string, string> }, body: unknown, options: { keepBody?: boolean }): Promise<StreamResult> {
    const { url, mark } = route;
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise<StreamResult>((resolve, reject) => {
      const t0 = performance.now();
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": String(payload.length),
            ...route.headers,
          },
        },
        (res) => {
          let ttft = Number.NaN;
          let bytes = 0;
          let tail = "";
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => {
            bytes += c.length;
            if (Number.isNaN(ttft)) {
              const s = tail + c.toString("latin1");
              if (s.includes(mark)) ttft = performance.now() - t0;
              else tail = s.slice(-mark.length);
            }
            if (options.keepBody) chunks.push(c);
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              ttftMs: ttft,
              totalMs: performance.now() - t0,
              bytes,
              body: options.keepBody ? Buffer.concat(chunks).toString("utf8") : "",
            }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }
}

export interface ParsedTurn {
  text: string;
  stopReason: string | null;
  toolUses: { id: string; name: string; input: string }[];
  errors: string[];
  complete: boolean;
}

/** What a client would make of an Anthropic SSE body. */
export function parseAnthropicSse(body: string): ParsedTurn {
  const out: ParsedTurn = { text: "", stopReason: null, toolUses: [], errors: [], complete: false };
  const parts: string[] = [];
  for (const e of parseSse(body)) {
    const d = JSON.parse(e.data) as Record<string, any>;
    switch (e.event) {
      case "content_block_start":
        if (d.content_block?.type === "tool_use") out.toolUses.push({ id: d.content_block.id, name: d.content_block.name, input: "" });
        break;
      case "content_block_delta":
        if (d.delta?.type === "text_delta") parts.push(d.delta.text);
        else if (d.delta?.type === "input_json_delta") out.toolUses[out.toolUses.length - 1]!.input += d.delta.partial_json;
        break;
      case "message_delta":
        out.stopReason = d.delta?.stop_reason ?? null;
        break;
      case "message_stop":
        out.complete = true;
        break;
      case "error":
        out.errors.push(JSON.stringify(d));
        break;
    }
  }
  out.text = parts.join("");
  return out;
}

/** A minimal streaming Responses request. */
export function responsesRequest(input: string): Record<string, unknown> {
  return { model: "gpt-5", stream: true, input };
}

/** A minimal streaming Anthropic request. */
export function anthropicRequest(messages: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: "claude-sonnet-4-5", max_tokens: 4_000_000, stream: true, messages, ...extra };
}
