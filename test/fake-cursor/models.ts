// GetUsableModels: Connect unary, binary protobuf in and out (docs/protocol.md §1.3, §9).
import { create, toBinary } from "@bufbuild/protobuf";
import { GetUsableModelsResponseSchema, ModelDetailsSchema } from "../../proto/gen/agent/v1/agent_pb.ts";
import type { ModelsScenario, ModelSpec } from "./scenario.ts";

export const DEFAULT_MODELS: ModelSpec[] = [
  { id: "composer-2", displayName: "Composer 2", thinking: true, aliases: ["composer"] },
  { id: "claude-4.5-sonnet", displayName: "Claude 4.5 Sonnet", thinking: true, aliases: ["sonnet-4.5", "claude-sonnet-4-5"] },
  { id: "gpt-5", displayName: "GPT-5", thinking: true, aliases: [] },
  { id: "cursor-small", displayName: "Cursor Small", thinking: false, aliases: [] },
];

export interface UnaryAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

function connectError(status: number, code: string, message: string): UnaryAnswer {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: new TextEncoder().encode(JSON.stringify({ code, message })),
  };
}

export function modelsAnswer(scenario: ModelsScenario | undefined, auth: { ok: boolean; reason?: string }, missingHeader?: string): UnaryAnswer {
  if (!auth.ok) return connectError(401, "unauthenticated", auth.reason ?? "invalid access token");
  if (missingHeader !== undefined) return connectError(400, "failed_precondition", `fake Cursor: missing required header ${missingHeader}`);
  if (scenario?.fail) return connectError(502, "unavailable", "fake Cursor: model list unavailable");
  const models = (scenario?.list ?? DEFAULT_MODELS).map((m) =>
    create(ModelDetailsSchema, {
      modelId: m.id,
      displayModelId: m.id,
      displayName: m.displayName ?? m.id,
      displayNameShort: m.displayName ?? m.id,
      aliases: m.aliases ?? [],
      ...(m.thinking ? { thinkingDetails: {} } : {}),
    }),
  );
  return {
    status: 200,
    headers: { "content-type": "application/proto" },
    body: toBinary(GetUsableModelsResponseSchema, create(GetUsableModelsResponseSchema, { models })),
  };
}
