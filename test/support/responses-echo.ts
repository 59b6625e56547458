import type { ResponsesEcho } from "../../app/gateway/responses/parse-request.ts";

/** What a plain Responses request (no tools, no instructions) has the writers echo back, parts overridable. */
export function responsesEcho(over: Partial<ResponsesEcho> = {}): ResponsesEcho {
  return {
    instructions: null,
    maxOutputTokens: null,
    parallelToolCalls: true,
    previousResponseId: null,
    reasoning: { effort: null, summary: "auto" },
    store: false,
    toolChoice: "auto",
    tools: [],
    metadata: {},
    promptCacheKey: null,
    ...over,
  };
}
