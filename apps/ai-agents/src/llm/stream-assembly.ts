import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { LlmError, type ChatResponse, type ChatToolCall } from './chat.ts';

interface PartialToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface StreamAssembly {
  /** Takes one chunk; returns the content delta it carried ('' when none). */
  add(chunk: ChatCompletionChunk): string;
  /** The whole answer once the stream ended; LLM_BAD_OUTPUT when it is incomplete. */
  result(): ChatResponse;
}

/**
 * A server that ignores `stream_options` sends no usage; the quota and the cost still count the
 * call, at about 4 characters a token, rather than as free.
 */
function estimatedUsage(
  promptCharacters: number,
  content: string | null,
  calls: ChatToolCall[],
): ChatResponse['usage'] {
  const completionCharacters =
    (content ?? '').length + calls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  return { promptTokens: Math.ceil(promptCharacters / 4), completionTokens: Math.ceil(completionCharacters / 4) };
}

const malformed = (message: string) => new LlmError('LLM_BAD_OUTPUT', message, false);

/**
 * Assembles a streamed chat completion: content deltas joined, tool calls gathered by their
 * `index` (the first delta of a call names its id and function, later ones add argument text),
 * the finish reason of the (single) choice, and the usage of the last chunk
 * (`stream_options.include_usage`). A stream that ends without a finish reason was cut short.
 */
export function createStreamAssembly(request: { model: string; promptCharacters: number }): StreamAssembly {
  let content: string | null = null;
  const toolCalls = new Map<number, PartialToolCall>();
  let finishReason: string | null = null;
  let model = '';
  let usage: ChatResponse['usage'] | null = null;

  function addToolCall(delta: NonNullable<ChatCompletionChunk.Choice.Delta['tool_calls']>[number]): void {
    const known = toolCalls.get(delta.index);
    const call = known ?? { id: '', name: '', arguments: '' };
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
    if (!known) toolCalls.set(delta.index, call);
  }

  return {
    add(chunk) {
      if (!chunk || typeof chunk !== 'object') throw malformed('A stream chunk is not an object');
      if (chunk.model) model = chunk.model;
      if (chunk.usage)
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      if (!Array.isArray(chunk.choices)) throw malformed('A stream chunk has no choices');
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (!choice) return '';
      if (choice.finish_reason) finishReason = choice.finish_reason;
      for (const call of choice.delta?.tool_calls ?? []) addToolCall(call);
      const delta = choice.delta?.content;
      if (typeof delta !== 'string' || delta === '') return '';
      content = (content ?? '') + delta;
      return delta;
    },
    result() {
      if (finishReason === null) throw malformed('The stream ended without a finish reason');
      const calls: ChatToolCall[] = [...toolCalls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, call]) => {
          if (!call.id || !call.name) throw malformed('A streamed tool call has no id or no function name');
          return { id: call.id, name: call.name, arguments: call.arguments };
        });
      return {
        content,
        toolCalls: calls,
        finishReason,
        model: model || request.model,
        usage: usage ?? estimatedUsage(request.promptCharacters, content, calls),
      };
    },
  };
}
