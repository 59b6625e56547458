// Builds the client frames of a Run: the first frame (run_request), heartbeats, and the
// tool definitions (docs/protocol.md §4.2–§4.7, §4.16).
import { create, toBinary } from "@bufbuild/protobuf";
import { createHash, randomUUID } from "node:crypto";
import {
  ConversationStateStructureSchema,
  McpToolDefinitionSchema,
  type McpToolDefinition,
} from "../../proto/gen/agent/v1/agent_pb.ts";
import { AgentClientFrameSchema, type AgentClientFrame } from "../../proto/gen/agent/v1/agent_service_pb.ts";
import type { BlobStore, RunOptions, ToolDefinition } from "./types.ts";
import { encodeJsonAsValue } from "./values.ts";

/** Cursor's default when the client sent no system prompt (docs/protocol.md §4.3). */
export const DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";
/** provider_identifier of every tool the relay declares. */
export const TOOL_PROVIDER = "proxy";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

let lastBlob: { prompt: string; blob: { id: Uint8Array; idHex: string; data: Uint8Array } } | null = null;

/**
 * The system-prompt blob (docs/protocol.md §4.3): keys `content` then `role`, with Go's
 * HTML-safe escaping of <, >, & (and U+2028/9), byte for byte what a working client sends.
 */
export function systemPromptBlob(prompt: string): { id: Uint8Array; idHex: string; data: Uint8Array } {
  // A client sends the same (often tens of KB) system prompt with every turn: encode and
  // hash it once. The blob's bytes are never modified, so sharing them is safe.
  if (lastBlob?.prompt === prompt) return lastBlob.blob;
  const json = JSON.stringify({ content: prompt, role: "system" }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
  const data = new TextEncoder().encode(json);
  const id = new Uint8Array(createHash("sha256").update(data).digest());
  const blob = { id, idHex: hex(id), data };
  lastBlob = { prompt, blob };
  return blob;
}

/** A client tool as Cursor's McpToolDefinition (input schema as a serialized Value). */
export function toMcpToolDefinition(tool: ToolDefinition): McpToolDefinition {
  return create(McpToolDefinitionSchema, {
    name: tool.name,
    description: tool.description,
    inputSchema: encodeJsonAsValue(tool.inputSchema ?? { type: "object", properties: {} }),
    providerIdentifier: TOOL_PROVIDER,
    toolName: tool.name,
  });
}

// Claude Code sends the same ~24 tools (tens of KB of JSON Schema) with every request;
// their encoded definitions are reused by content. Definitions are never mutated.
const TOOL_CACHE_SIZE = 512;
const toolCache = new Map<string, McpToolDefinition>();

/** The tools as McpToolDefinitions, each encoded once per distinct content. */
export function toMcpToolDefinitions(tools: readonly ToolDefinition[]): McpToolDefinition[] {
  return tools.map((tool) => {
    const key = JSON.stringify([tool.name, tool.description, tool.inputSchema ?? null]);
    let def = toolCache.get(key);
    if (def) {
      toolCache.delete(key);
    } else {
      def = toMcpToolDefinition(tool);
      if (toolCache.size >= TOOL_CACHE_SIZE) toolCache.delete(toolCache.keys().next().value!);
    }
    toolCache.set(key, def);
    return def;
  });
}

/**
 * A fresh ConversationStateStructure: one root prompt entry = the system blob id. The
 * blob itself goes into `blobs` so a KV get for it can be served.
 */
export function freshConversationState(systemPrompt: string | undefined, blobs: BlobStore): Uint8Array {
  const prompt = systemPrompt !== undefined && systemPrompt.trim() !== "" ? systemPrompt : DEFAULT_SYSTEM_PROMPT;
  const blob = systemPromptBlob(prompt);
  blobs.set(blob.idHex, blob.data);
  return toBinary(ConversationStateStructureSchema, create(ConversationStateStructureSchema, { rootPromptMessagesJson: [blob.id] }));
}

export interface BuildIds {
  messageId?: string;
  newUuid?: () => string;
  /** The run's tools already encoded (toMcpToolDefinitions), so they are not encoded twice. */
  toolDefs?: McpToolDefinition[];
}

/** The first frame of every Run. A checkpoint is replayed byte for byte (field 1 is `bytes`). */
export function buildRunRequestFrame(options: RunOptions, ids: BuildIds = {}): AgentClientFrame {
  const newUuid = ids.newUuid ?? randomUUID;
  const conversationState = options.checkpoint ?? freshConversationState(options.systemPrompt, options.blobs);
  const images = options.images ?? [];
  return create(AgentClientFrameSchema, {
    message: {
      case: "runRequest",
      value: {
        conversationState,
        action: {
          action: {
            case: "userMessageAction",
            value: {
              userMessage: {
                text: options.userText,
                messageId: ids.messageId ?? newUuid(),
                ...(images.length > 0
                  ? {
                      selectedContext: {
                        selectedImages: images.map((img) => ({
                          uuid: newUuid(),
                          mimeType: img.mimeType,
                          dataOrBlobId: { case: "data" as const, value: img.data },
                        })),
                      },
                    }
                  : {}),
              },
            },
          },
        },
        modelDetails: { modelId: options.modelId, displayModelId: options.modelId, displayName: options.modelId },
        ...(options.tools.length > 0 ? { mcpTools: { mcpTools: ids.toolDefs ?? toMcpToolDefinitions(options.tools) } } : {}),
        conversationId: options.conversationId,
      },
    },
  });
}

/** `AgentClientMessage{client_heartbeat{}}` — payload `3a00`. */
export function heartbeatFrame(): AgentClientFrame {
  return create(AgentClientFrameSchema, { message: { case: "clientHeartbeat", value: {} } });
}
