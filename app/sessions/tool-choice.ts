// What the client allows the model to do with its tools this turn (Anthropic
// tool_choice auto / any / tool / none, OpenAI auto / required / none / a named
// function), in one neutral form, and what that means for the Cursor turn: which tools
// are offered upstream, which calls may reach the client, and the instruction that asks
// the model to call a tool when the client requires one.
import type { ToolDefinition } from "../cursor/types.ts";

export type ToolChoice =
  | { mode: "auto" }
  | { mode: "none" }
  /** At least one tool call (Anthropic `any`, OpenAI `required`). */
  | { mode: "required" }
  /** This tool and no other. */
  | { mode: "tool"; name: string };

export const AUTO_TOOL_CHOICE: ToolChoice = Object.freeze({ mode: "auto" });

export interface ToolPlan {
  /** The tools declared to Cursor for this turn. */
  offered: ToolDefinition[];
  /** Names a call may have to reach the client: only tools the client declared (it cannot run any other). */
  allowed: ReadonlySet<string> | null;
  /** Appended to the user text of a fresh Run; null when the model decides freely. */
  instruction: string | null;
}

export function planTools(tools: readonly ToolDefinition[], choice: ToolChoice = AUTO_TOOL_CHOICE): ToolPlan {
  const declared = new Set(tools.map((t) => t.name));
  switch (choice.mode) {
    case "auto":
      return { offered: [...tools], allowed: declared, instruction: null };
    case "none":
      return {
        offered: [],
        allowed: new Set(),
        instruction: tools.length > 0 ? "Do not call any tool in this response; answer directly." : null,
      };
    case "required":
      return { offered: [...tools], allowed: declared, instruction: "You must call at least one of the available tools in this response." };
    case "tool": {
      const only = tools.filter((t) => t.name === choice.name);
      return { offered: only, allowed: new Set([choice.name]), instruction: `You must call the tool "${choice.name}" in this response.` };
    }
  }
}

/** The text with the plan's instruction after it (a blank line between). */
export function withToolInstruction(text: string, instruction: string | null): string {
  if (instruction === null) return text;
  return text === "" ? instruction : `${text}\n\n${instruction}`;
}

/** What the model is told when it calls a tool the client did not allow this turn. */
export const refusedToolCallText = (name: string): string =>
  `The tool "${name}" is not available in this response; do not call it again, answer without it.`;
