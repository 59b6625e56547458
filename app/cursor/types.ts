// The contract between the Cursor client (app/cursor) and everything above it.
// Only app/cursor knows the wire protocol; callers see these types.
import type { RelayError } from "../base/errors.ts";

/** A client-side tool the model may call, as the client declared it (JSON Schema input). */
export interface ToolDefinition {
  name: string;
  description: string;
  inputSchema: unknown;
}

/** An MCP tool call Cursor asked the client to run (exec mcp_args). */
export interface ToolCallRequest {
  /** ExecServerMessage.id, echoed in the reply. */
  execId: number;
  /** ExecServerMessage.exec_id, echoed in the reply. */
  execIdString: string;
  /** The model's raw call id (may contain whitespace/newlines). */
  toolCallId: string;
  /** Client tool name (tool_name, else name). */
  name: string;
  /** Arguments as a JSON object string. */
  argsJson: string;
}

export interface ToolResult {
  text: string;
  isError: boolean;
  /** The call was refused (not run): sent as mcp_result.rejected with `text` as the reason. */
  rejected?: boolean;
}

/** Per-conversation blob store: hex(blob id) -> bytes. Travels with the checkpoint. */
export type BlobStore = Map<string, Uint8Array>;

export type CursorEvent =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string }
  | { type: "thinking_done"; durationMs: number }
  | { type: "tool_call"; call: ToolCallRequest }
  | { type: "tokens"; tokens: number }
  /** The conversation state so far; the blobs it references are in the run's `blobs` (RunOptions). */
  | { type: "checkpoint"; bytes: Uint8Array }
  | { type: "turn_ended" };

export interface ImageInput {
  mimeType: string;
  data: Uint8Array;
}

export interface RunOptions {
  accessToken: string;
  conversationId: string;
  /** Cursor model id (already mapped). */
  modelId: string;
  /** The newest user text, or the flattened transcript. */
  userText: string;
  /** Used for the root prompt blob on a fresh conversation; ignored when a checkpoint is replayed. */
  systemPrompt?: string;
  /** Raw checkpoint bytes from a previous turn on the same account, replayed verbatim. */
  checkpoint?: Uint8Array;
  /** The conversation's blob store; the run serves KV gets from it and stores KV sets in it. */
  blobs: BlobStore;
  tools: ToolDefinition[];
  images?: ImageInput[];
  /** Aborting closes the upstream stream at once. */
  signal?: AbortSignal;
}

/** One open Run stream. */
export interface CursorRun {
  /**
   * Decoded events in order. The iterator ends after `turn_ended`; it throws a
   * RelayError when the stream fails (end-stream error, reset, GOAWAY, stall).
   * The run keeps reading (and answering KV/exec/heartbeats) while nobody pulls,
   * so a caller may stop pulling after a tool_call and resume later.
   */
  readonly events: AsyncIterable<CursorEvent>;
  /** Sends an MCP tool result back on this same stream. */
  sendToolResult(call: ToolCallRequest, result: ToolResult): void;
  /** Closes the stream (idempotent) and frees everything it holds. */
  close(): void;
  /** The terminal error once the stream has failed. */
  readonly error: RelayError | undefined;
  readonly closed: boolean;
}

export interface CursorModel {
  id: string;
  displayName: string;
  supportsThinking: boolean;
  aliases: string[];
}

export interface CursorClient {
  run(options: RunOptions): CursorRun;
  /** Live model list for this token (cached, with last-good and a fallback list). */
  getUsableModels(accessToken: string, cacheKey?: string): Promise<CursorModel[]>;
  /** Client model name → Cursor model id, using this account's live list and the user's model map. */
  resolveModelId(clientName: string, accessToken: string, cacheKey?: string): Promise<string>;
}
