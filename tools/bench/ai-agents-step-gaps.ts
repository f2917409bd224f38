// The LLM side of the ai-agents orchestration bench: a responder for the content_generation crew's
// three kinds of call (outline, section, edit), answering at once or after a model's time, that
// notes per run when each answer was written and when the run's next request arrived. The gap
// between the two is what the service spent between steps: reading the answer, journaling it,
// deciding the next call, sending it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatCompletionRequest, Reply, Responder } from '@bizosaas/local-llm-server';

const usage = { promptTokens: 10, completionTokens: 5 };

export interface StepGaps {
  responder: Responder;
  /** Every gap (ms) from an answer of a run to the arrival of that run's next request. */
  gaps(): number[];
  /** The gaps by the number of the call they precede in its run (2 = the first writer's, after the outline). */
  gapsByCall(): Map<number, number[]>;
  /** Chat completion requests answered, all runs together. */
  calls(): number;
  /** Requests whose text named no run of this bench (none expected). */
  strangers(): number;
  /** Forgets the gaps and calls so far (after a warm-up whose runs have all finished). */
  reset(): void;
}

function lastUserText(request: ChatCompletionRequest): string {
  const users = request.messages.filter(
    (m): m is { role: 'user'; content: string } =>
      (m as { role?: unknown }).role === 'user' && typeof (m as { content?: unknown }).content === 'string',
  );
  return users.at(-1)?.content ?? '';
}

/**
 * Run i's brief is `<prefix><i>` (prefix of word characters and dashes); the outline's title
 * repeats it, so the writer's and the editor's requests (which quote the title, not the brief)
 * name their run too. Each answer is written about `delayMs` after its request arrived.
 */
export function createStepGaps(prefix: string, sections: number, delayMs = 0): StepGaps {
  const pattern = new RegExp(`${prefix}(\\d+)`);
  const answeredAt = new Map<number, number>();
  const callsOfRun = new Map<number, number>();
  let gaps: number[] = [];
  let byCall = new Map<number, number[]>();
  let calls = 0;
  let strangers = 0;

  const replyTo = (request: ChatCompletionRequest, title: string): Reply => {
    const format = request.response_format?.json_schema?.name;
    if (format === 'outline')
      return {
        content: JSON.stringify({
          title,
          sections: Array.from({ length: sections }, (_, s) => ({ heading: `Part ${s + 1}`, points: ['a point'] })),
        }),
        usage,
      };
    if (format === 'edited')
      return {
        content: JSON.stringify({ title, metaDescription: 'A short description', body: 'The edited text' }),
        usage,
      };
    return { content: 'A drafted section.', usage };
  };

  const responder: Responder = async (request) => {
    const arrived = performance.now();
    calls += 1;
    const match = pattern.exec(lastUserText(request));
    if (!match) {
      strangers += 1;
      return { status: 400, error: { message: 'no run marker', type: 'invalid_request_error', code: null } };
    }
    const run = Number(match[1]);
    const previous = answeredAt.get(run);
    const call = (callsOfRun.get(run) ?? 0) + 1;
    callsOfRun.set(run, call);
    if (previous !== undefined) {
      gaps.push(arrived - previous);
      if (!byCall.has(call)) byCall.set(call, []);
      byCall.get(call)!.push(arrived - previous);
    }
    // A slow model is waited for here rather than by the server's delayMs, so the time noted below
    // is still when the answer is written. Between half and one and a half times delayMs, as a
    // model's times vary: runs started together do not stay in step and call in bursts.
    if (delayMs > 0) await sleep(delayMs * (0.5 + Math.random()));
    // The server writes the answer in the promise continuation right after this resolves; ticks
    // run once those continuations have drained, so this notes the time the answer was written.
    process.nextTick(() => answeredAt.set(run, performance.now()));
    return replyTo(request, `${prefix}${run}`);
  };

  return {
    responder,
    gaps: () => gaps,
    gapsByCall: () => byCall,
    calls: () => calls,
    strangers: () => strangers,
    reset() {
      gaps = [];
      byCall = new Map();
      calls = 0;
    },
  };
}
