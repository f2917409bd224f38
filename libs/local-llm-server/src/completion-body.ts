import { estimateTokens, type ChatCompletionRequest, type Reply } from './reply.ts';

/** What every body of one call shares: OpenAI repeats id, created and model on each chunk. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
  /** Tool call ids are `call_<callIndex>_<position>`. */
  callIndex: number;
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

function usageOf(request: ChatCompletionRequest, reply: Reply): Usage {
  const promptTokens = reply.usage?.promptTokens ?? estimateTokens(JSON.stringify(request.messages));
  const completionTokens =
    reply.usage?.completionTokens ??
    estimateTokens((reply.content ?? '') + (reply.toolCalls ?? []).map((call) => call.name + call.arguments).join(''));
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

const finishReasonOf = (reply: Reply) => reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');

const toolCallId = (identity: CompletionIdentity, position: number) => `call_${identity.callIndex}_${position}`;

/** The `chat.completion` object of a non-streamed answer. */
export function completionBody(request: ChatCompletionRequest, reply: Reply, identity: CompletionIdentity) {
  const toolCalls = (reply.toolCalls ?? []).map((call, position) => ({
    id: toolCallId(identity, position),
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.content ?? null,
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReasonOf(reply),
      },
    ],
    usage: usageOf(request, reply),
  };
}

/** A text cut into pieces of `size` code points (never inside a surrogate pair), in order. */
export function pieces(text: string, size: number): string[] {
  const points = Array.from(text);
  const result: string[] = [];
  for (let start = 0; start < points.length; start += size) result.push(points.slice(start, start + size).join(''));
  return result;
}

/**
 * The `chat.completion.chunk` objects of a streamed answer, as OpenAI sends them: the role first
 * (with empty content), the content in several deltas, each tool call opened with its index, id,
 * type and name and then its arguments in pieces, a chunk with the finish reason and an empty
 * delta, and, when the request set `stream_options.include_usage`, a last chunk with no choices and
 * the usage (every earlier chunk then carries `usage: null`).
 */
export function completionChunks(request: ChatCompletionRequest, reply: Reply, identity: CompletionIdentity): object[] {
  const includeUsage = request.stream_options?.include_usage === true;
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage && { usage: null }),
  });
  const chunks: object[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const piece of pieces(reply.content ?? '', 8)) chunks.push(chunk({ content: piece }));
  (reply.toolCalls ?? []).forEach((call, index) => {
    const opening = {
      index,
      id: toolCallId(identity, index),
      type: 'function',
      function: { name: call.name, arguments: '' },
    };
    chunks.push(chunk({ tool_calls: [opening] }));
    for (const piece of pieces(call.arguments, 12))
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(chunk({}, finishReasonOf(reply)));
  if (includeUsage)
    chunks.push({
      id: identity.id,
      object: 'chat.completion.chunk',
      created: identity.created,
      model: identity.model,
      choices: [],
      usage: usageOf(request, reply),
    });
  return chunks;
}

/** The whole event stream of a streamed answer: each chunk as `data: <json>`, then `data: [DONE]`. */
export function eventStream(chunks: readonly object[]): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';
}
