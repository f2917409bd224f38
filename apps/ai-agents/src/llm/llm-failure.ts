import OpenAI from 'openai';
import { describeRefusal, OutboundAddressRefusedError } from '@bizosaas/outbound-http';
import { LlmError } from './chat.ts';

/** The refusal of the outbound policy somewhere in the cause chain (the client wraps what fetch threw). */
function refusalIn(error: unknown): OutboundAddressRefusedError | null {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    if (cause instanceof OutboundAddressRefusedError) return cause;
    cause = cause.cause;
  }
  return null;
}

function ofStatus(status: number, message: string): LlmError {
  if (status === 408) return new LlmError('LLM_TIMEOUT', `The LLM answered 408: ${message}`, true);
  if (status === 429 || status >= 500)
    return new LlmError('LLM_UNAVAILABLE', `The LLM answered ${status}: ${message}`, true);
  return new LlmError('LLM_REJECTED', `The LLM refused the request (${status}): ${message}`, false);
}

/**
 * Why a call failed, as the analysis says it: a refused address or a 4xx will fail the same way
 * again (not retryable); a timeout, an unreachable server, 429 and 5xx may pass later; an answer
 * that cannot be read is LLM_BAD_OUTPUT. Aborts are not failures and are handled by the caller.
 */
export function llmFailureOf(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  const refusal = refusalIn(error);
  if (refusal)
    return new LlmError('LLM_REJECTED', `The LLM's URL is refused: ${describeRefusal(refusal.refusal)}`, false);
  if (error instanceof OpenAI.APIConnectionTimeoutError)
    return new LlmError('LLM_TIMEOUT', 'The LLM did not answer in time', true);
  if (error instanceof OpenAI.APIConnectionError)
    return new LlmError('LLM_UNAVAILABLE', `The LLM could not be reached: ${causeText(error)}`, true);
  if (error instanceof OpenAI.APIError) {
    const status: unknown = error.status;
    // No status: an error event inside a stream that had started (the provider failed mid-answer).
    if (typeof status !== 'number') return new LlmError('LLM_UNAVAILABLE', `The LLM failed: ${error.message}`, true);
    return ofStatus(status, error.message);
  }
  if (error instanceof SyntaxError)
    return new LlmError('LLM_BAD_OUTPUT', `The LLM's stream is malformed: ${error.message}`, false);
  // What remains is the connection failing while the answer streamed (undici's `terminated`).
  return new LlmError('LLM_UNAVAILABLE', `The LLM's answer broke off: ${causeText(error)}`, true);
}

/** The innermost reason (`ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9`), not the wrappers' "fetch failed". */
function causeText(error: unknown): string {
  let innermost = error;
  for (let depth = 0; innermost instanceof Error && innermost.cause instanceof Error && depth < 5; depth += 1)
    innermost = innermost.cause;
  if (!(innermost instanceof Error)) return String(innermost);
  const code = (innermost as NodeJS.ErrnoException).code;
  return code && !innermost.message.includes(code) ? `${code} ${innermost.message}` : innermost.message;
}
