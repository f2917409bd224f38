import OpenAI from 'openai';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { AddressPolicy, OutboundHttp } from '@bizosaas/outbound-http';
import {
  LlmError,
  type ChatMessage,
  type ChatOptions,
  type ChatRequest,
  type ChatResponse,
  type LlmClient,
} from './chat.ts';
import { llmFailureOf } from './llm-failure.ts';
import { outboundFetch } from './outbound-fetch.ts';
import { createStreamAssembly } from './stream-assembly.ts';

export interface OpenAiLlmOptions {
  /** The provider's base URL, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  model: string;
  /** One call's whole limit: connection, first byte and the full stream. */
  timeoutMs: number;
  /** The platform's guarded client: the URL is a tenant's, so the call goes through it. */
  outbound: OutboundHttp;
  /** The outbound policy, to refuse the URL before any connection (the connect-time check applies regardless). */
  policy?: AddressPolicy;
}

/** What onToken threw, told apart from the LLM's failures (it is the caller's own, and passes through as is). */
class ListenerFailure extends Error {}

function emit(onToken: ChatOptions['onToken'], delta: string): void {
  try {
    onToken?.(delta);
  } catch (error) {
    throw new ListenerFailure('onToken failed', { cause: error });
  }
}

function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if (message.role !== 'assistant') return { role: message.role, content: message.content };
  const toolCalls = message.toolCalls ?? [];
  return {
    role: 'assistant',
    content: message.content,
    // OpenAI refuses an empty tool_calls array.
    ...(toolCalls.length > 0 && {
      tool_calls: toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    }),
  };
}

function toWireRequest(request: ChatRequest, model: string): ChatCompletionCreateParamsStreaming {
  return {
    model,
    messages: request.messages.map(toWireMessage),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools?.length && {
      tools: request.tools.map((tool) => ({
        type: 'function' as const,
        function: { name: tool.name, description: tool.description, parameters: tool.parameters },
      })),
    }),
    ...(request.responseFormat && {
      response_format: {
        type: 'json_schema' as const,
        json_schema: { name: request.responseFormat.name, schema: request.responseFormat.schema, strict: true },
      },
    }),
    ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
  };
}

/**
 * The LLM port over an OpenAI-compatible Chat Completions API, with the official client. Every
 * call streams (content deltas reach `onToken` as they arrive) and asks for the usage. The client
 * never retries: whether a failure is retried is the run's decision, from `LlmError.retryable`.
 * An aborted `signal` ends the request and the call rejects with the signal's reason.
 */
export function createOpenAiLlm(options: OpenAiLlmOptions): LlmClient {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    timeout: options.timeoutMs,
    maxRetries: 0,
    fetch: outboundFetch(options.outbound, options.policy),
    // Explicit, so the client reads none of the platform's OPENAI_* variables into a call to a tenant's URL.
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    logLevel: 'off',
  });
  const { model, timeoutMs } = options;

  async function chat(request: ChatRequest, chatOptions: ChatOptions = {}): Promise<ChatResponse> {
    // The client's own timeout stops at the response headers; this one also bounds the stream.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const signal = chatOptions.signal ? AbortSignal.any([chatOptions.signal, deadline.signal]) : deadline.signal;
    // The client's stream ends quietly when aborted, so every exit asks why it ended.
    const stopIfAborted = () => {
      if (chatOptions.signal?.aborted) throw chatOptions.signal.reason;
      if (deadline.signal.aborted)
        throw new LlmError('LLM_TIMEOUT', `The LLM gave no complete answer within ${timeoutMs} ms`, true);
    };
    const wire = toWireRequest(request, model);
    const assembly = createStreamAssembly({ model, promptCharacters: JSON.stringify(wire.messages).length });
    try {
      const stream = await client.chat.completions.create(wire, { signal });
      for await (const chunk of stream) {
        const delta = assembly.add(chunk);
        if (delta) emit(chatOptions.onToken, delta);
      }
      stopIfAborted();
      return assembly.result();
    } catch (error) {
      if (error instanceof ListenerFailure) throw error.cause;
      stopIfAborted();
      throw llmFailureOf(error);
    } finally {
      clearTimeout(timer);
    }
  }

  return { provider: 'openai-compatible', model, chat };
}
