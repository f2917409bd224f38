import type { LlmClient } from '../../llm/chat.ts';
import { CrewError, type JsonObject, type JsonValue, type StepContext } from '../crew.ts';

export interface TestStep {
  kind: 'tool' | 'llm';
  agent: string;
  name: string;
  input: JsonValue;
  output: JsonValue;
}

export interface TestStepContext extends StepContext {
  /** Every step the crew took, in order. */
  readonly steps: TestStep[];
}

/**
 * A StepContext for crew tests without the runner: tools run at once (or, given `recorded`,
 * answer from those steps in order, as a resume or replay does, failing on a step that differs),
 * LLM calls go to `llm`, and flagged tools are approved or declined as `approvals` says.
 */
export function createTestStepContext(
  options: {
    llm?: LlmClient;
    recorded?: readonly TestStep[];
    approvals?: 'approve' | 'decline';
    tenantId?: string;
    analysisId?: string;
    requestedAt?: Date;
  } = {},
): TestStepContext {
  const steps: TestStep[] = [];
  const replayed = (kind: TestStep['kind'], agent: string, name: string): TestStep | undefined => {
    const step = options.recorded?.[steps.length];
    if (!step) return undefined;
    if (step.kind !== kind || step.agent !== agent || step.name !== name)
      throw new Error(
        `recorded step ${steps.length + 1} is ${step.kind} ${step.agent}/${step.name}, not ${kind} ${agent}/${name}`,
      );
    return step;
  };
  return {
    tenantId: options.tenantId ?? '0192f5a4-0000-7000-8000-000000000001',
    analysisId: options.analysisId ?? '0192f5a4-0000-7000-8000-000000000002',
    correlationId: '0192f5a4-0000-7000-8000-000000000003',
    requestedAt: options.requestedAt ?? new Date('2026-12-01T10:00:00.000Z'),
    llmAvailable: options.llm !== undefined,
    steps,
    async tool(agent, name, args: JsonObject, run, toolOptions) {
      const recorded = replayed('tool', agent, name);
      let output: JsonValue;
      if (recorded) output = recorded.output;
      else if (toolOptions?.approval && options.approvals !== 'approve')
        output = { declined: true, reason: 'declined in the test' };
      else output = await run(new AbortController().signal);
      steps.push({ kind: 'tool', agent, name, input: args, output });
      return output as never;
    },
    async llm(agent, request) {
      const recorded = replayed('llm', agent, 'chat');
      if (recorded) {
        steps.push(recorded);
        return recorded.output as never;
      }
      if (!options.llm) throw new CrewError('LLM_NOT_CONFIGURED', 'no LLM is configured for this tenant');
      const response = await options.llm.chat(request);
      steps.push({ kind: 'llm', agent, name: 'chat', input: request as never, output: response as never });
      return response;
    },
  };
}
