import { schemaExample } from './schema-example.ts';

/** A request body as the server received it (OpenAI's Chat Completions parameters, unchecked beyond `messages`). */
export interface ChatCompletionRequest {
  model?: string;
  messages: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  tools?: unknown[];
  response_format?: { type: string; json_schema?: { name: string; schema?: unknown; strict?: boolean } };
  [parameter: string]: unknown;
}

/** An error in OpenAI's shape (`{error: {message, type, code}}`). */
export interface ReplyError {
  message: string;
  type: string;
  code: string | null;
}

/** What the server answers to one call. */
export interface Reply {
  content?: string;
  /** `arguments` is the JSON text the model would write. */
  toolCalls?: { name: string; arguments: string }[];
  /** Estimated from the characters (about 4 per token) when absent. */
  usage?: { promptTokens: number; completionTokens: number };
  /** Wait before answering (a slow model; a client's timeout). */
  delayMs?: number;
  /** An HTTP status other than 200: the body is `error` (a default one when absent). */
  status?: number;
  error?: ReplyError;
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: string;
}

/** Decides each answer; `callIndex` counts the chat completion calls from 0. */
export type Responder = (request: ChatCompletionRequest, callIndex: number) => Reply | Promise<Reply>;

/** Tokens of a text as the server estimates them: about 4 characters per token, at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function lastUserText(request: ChatCompletionRequest): string {
  for (let i = request.messages.length - 1; i >= 0; i -= 1) {
    const message = request.messages[i] as { role?: unknown; content?: unknown } | null;
    if (message?.role === 'user' && typeof message.content === 'string') return message.content;
  }
  return '';
}

/**
 * The default: at once, a deterministic answer naming the last user message (or, when the request
 * asks for JSON, the plainest value of its schema), so the same request always gets the same reply.
 */
export const defaultResponder: Responder = (request) => {
  if (request.response_format?.type === 'json_schema')
    return { content: JSON.stringify(schemaExample(request.response_format.json_schema?.schema ?? {})) };
  if (request.response_format?.type === 'json_object') return { content: '{}' };
  return { content: `Local answer to: ${lastUserText(request).slice(0, 200)}` };
};

/**
 * Answers the replies in order, one per call. A call past the end gets a 400 error, so a test sees
 * the extra call fail instead of an invented answer (and a client does not retry it).
 */
export function scriptedReplies(replies: readonly Reply[]): Responder {
  let next = 0;
  return () => {
    const reply = replies[next];
    next += 1;
    if (reply) return reply;
    return {
      status: 400,
      error: {
        message: `The script has ${replies.length} replies; this is call ${next}`,
        type: 'invalid_request_error',
        code: 'script_exhausted',
      },
    };
  };
}
