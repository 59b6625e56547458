// What the fake records about every request, for tests to assert on.

export interface ToolResultRecord {
  execId: number;
  execIdString: string;
  toolCallId: string;
  text: string;
  isError: boolean;
  /** Which McpResult member came back ("success", "error", "rejected", …). */
  kind: string;
}

export interface RunRecord {
  /** From the bearer token (null if missing/invalid). */
  sub: string | null;
  /** Request headers as received (lower-case names, pseudo-headers left out). */
  headers: Record<string, string>;
  conversationId: string;
  modelId: string;
  userText: string;
  /** Names of the McpToolDefinitions in run_request.mcp_tools. */
  toolNames: string[];
  /** Hex ids from a fresh conversation_state (empty for a replayed checkpoint). */
  rootPromptBlobIds: string[];
  /** From the KV get answer for the root blob, if the fake asked. */
  systemPrompt: string | null;
  /** conversation_state bytes equal a checkpoint this fake issued earlier. */
  replayedCheckpoint: boolean;
  /** The sub whose stream got that checkpoint. */
  replayedCheckpointOwner: string | null;
  conversationStateBytes: Uint8Array;
  /** client_heartbeat frames received. */
  heartbeats: number;
  toolResults: ToolResultRecord[];
  /** Every exec_client_message with the result field number used (0 = none set). */
  execReplies: { execId: number; field: number }[];
  /** Every KV reply; `blobId` (hex) and `data` (get only) are additions to the documented shape. */
  kvReplies: { id: number; kind: "get" | "set"; found?: boolean; blobId?: string; data?: Uint8Array }[];
  /** Tool names in the request_context reply, if asked. */
  requestContextTools: string[];
  streamClosed: boolean;
  outcome: "completed" | "failed" | "client_closed" | "open";
  /** Name of the failure injected on this stream, if any. */
  injected: string | null;
  /** Additions: which turn of this account this Run played (0-based), and the scenario account key used. */
  turnIndex: number;
  accountKey: string | null;
  /** Additions: exec_client_control_message frames (e.g. stream_close) as { kind, id }. */
  execControls: { kind: string; id: number }[];
  /** Additions: checkpoints (raw bytes) this Run sent. */
  checkpointsSent: Uint8Array[];
  /** Addition: the user message's selected images count. */
  imageCount: number;
  /** Addition: the sum of token_delta tokens this Run wrote (token steps and load mode). */
  tokensSent: number;
  /**
   * Addition: the part of tokensSent the client provably read — tokens written before a KV or
   * exec request the client then answered (a client handles frames in order). Equals
   * tokensSent when every token delta is followed by such a round trip.
   */
  tokensConfirmed: number;
  /** Addition: the stream was still open when a GOAWAY step on another stream tore its connection down. */
  connectionLost: boolean;
  /** Addition: the client ended its request side with END_STREAM (a stream the client only reset, or left open, has false). */
  requestEnded: boolean;
  /** Addition: the HTTP/2 error code the stream closed with (0 = NO_ERROR, 8 = CANCEL, …); null while the stream is open. */
  closeCode: number | null;
}

export interface LoginRecord {
  uuid: string;
  /** Polls seen for this uuid. */
  polls: number;
  /** /loginDeepControl was visited for this uuid. */
  visited: boolean;
  status: "pending" | "completed" | "failed" | "challenge_mismatch";
  sub: string | null;
  accessToken: string | null;
  refreshToken: string | null;
}

export interface RefreshRecord {
  refreshToken: string;
  status: number;
  sub: string | null;
  accessToken: string | null;
  newRefreshToken: string | null;
}

export interface ModelsRecord {
  sub: string | null;
  status: number;
  headers: Record<string, string>;
}
