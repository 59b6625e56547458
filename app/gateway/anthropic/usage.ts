// Anthropic usage object. Cursor reports no cache counts (docs/protocol.md §7): both are 0.
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export const anthropicUsage = (input: number, output: number): AnthropicUsage => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
});
