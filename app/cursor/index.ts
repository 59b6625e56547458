// Public surface of the Cursor client. Everything above app/cursor imports from here.
export type * from "./types.ts";
export { createCursorClient, type CursorClientHandle, type CursorClientOptions } from "./client.ts";
export { FALLBACK_MODELS, modelsFromResponse, resolveModel } from "./models.ts";
export { classifyCursorError, connectCodeName, parseRetryAfter, stallError } from "./error-classification.ts";
export {
  buildRunRequestFrame,
  DEFAULT_SYSTEM_PROMPT,
  freshConversationState,
  heartbeatFrame,
  systemPromptBlob,
  toMcpToolDefinition,
  toMcpToolDefinitions,
  TOOL_PROVIDER,
} from "./request-builder.ts";
export { answerExec, answerInteractionQuery, answerKv, REJECTION_REASON, toolResultFrame, type ExecOutcome } from "./exec-replies.ts";
export { decodeServerFrame, describeToolCallUpdate, toolCallKind, updateToEvents, type ServerPart } from "./server-frame.ts";
export { decodeArgValue, encodeJsonAsValue, mcpArgsToJson } from "./values.ts";
export {
  ACCESS_TOKEN,
  CLIENT_VERSION_PATTERN,
  createCursorTransport,
  cursorHeadersInterceptor,
  DEFAULT_BASE_URL,
  DEFAULT_CLIENT_VERSION,
  type CursorTransport,
} from "./transport.ts";
export { CursorRunStream, type RunDeps } from "./run.ts";
