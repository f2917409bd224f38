/**
 * The LLM port: one chat completion in OpenAI's Chat Completions terms, without the vendor's
 * types. The adapter (openai-llm.ts) speaks the wire format; crews and the runner see only this.
 */
export interface ChatToolCall {
  id: string;
  name: string;
  /** The JSON text of the arguments, as the model wrote it. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ChatTool {
  name: string;
  description: string;
  /** JSON Schema of the arguments (z.toJSONSchema of a zod schema). */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatTool[];
  /** Structured output: the answer must be JSON of this schema (response_format json_schema, strict). */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  maxTokens?: number;
  temperature?: number;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatResponse {
  content: string | null;
  toolCalls: ChatToolCall[];
  finishReason: string;
  model: string;
  usage: ChatUsage;
}

export interface ChatOptions {
  signal?: AbortSignal;
  /** Streamed content deltas as they arrive (the analysis's SSE stream shows them). */
  onToken?: (delta: string) => void;
}

export interface LlmClient {
  /** The provider's name in events (`ai.analysis_started.llmProvider`), e.g. `openai-compatible`. */
  readonly provider: string;
  readonly model: string;
  chat(request: ChatRequest, options?: ChatOptions): Promise<ChatResponse>;
}

/** Why a call failed, as the analysis's failure code says it. */
export type LlmErrorCode = 'LLM_TIMEOUT' | 'LLM_UNAVAILABLE' | 'LLM_REJECTED' | 'LLM_BAD_OUTPUT';

export class LlmError extends Error {
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LlmError';
  }
}
