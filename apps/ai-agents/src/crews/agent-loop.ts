import { z } from 'zod';
import type { ChatMessage, ChatResponse } from '../llm/chat.ts';
import { CrewError, type ApprovalRequest, type JsonObject, type JsonValue, type StepContext } from './crew.ts';

/** A tool an agent may call: its arguments' schema (shown to the model as JSON Schema) and what it does. */
export interface AgentTool {
  name: string;
  description: string;
  args: z.ZodType<JsonObject>;
  run(args: JsonObject, signal: AbortSignal): Promise<JsonValue>;
  /** Flags a call for a person's approval before it runs. */
  approval?(args: JsonObject): ApprovalRequest | undefined;
}

export interface AgentTurnInput {
  agent: string;
  system: string;
  user: string;
  tools?: readonly AgentTool[];
  /** Structured final answer (JSON of this schema). */
  responseFormat?: { name: string; schema: Record<string, unknown> };
  maxTurns?: number;
}

/**
 * One agent working until it answers: each LLM reply that asks for tools has them run (each a
 * journaled step, arguments checked by the tool's schema; a bad call is answered with the error
 * so the model can correct itself), then the model is asked again. The loop guard ends a run
 * whose agent repeats the same call; `maxTurns` ends one that never answers.
 */
export async function runAgent(ctx: StepContext, input: AgentTurnInput): Promise<ChatResponse> {
  const tools = input.tools ?? [];
  const messages: ChatMessage[] = [
    { role: 'system', content: input.system },
    { role: 'user', content: input.user },
  ];
  const definitions = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: z.toJSONSchema(tool.args),
  }));
  for (let turn = 0; turn < (input.maxTurns ?? 8); turn++) {
    const response = await ctx.llm(input.agent, {
      messages,
      ...(definitions.length > 0 && { tools: definitions }),
      ...(input.responseFormat && { responseFormat: input.responseFormat }),
    });
    if (response.toolCalls.length === 0) return response;
    messages.push({ role: 'assistant', content: response.content, toolCalls: response.toolCalls });
    for (const call of response.toolCalls)
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        content: JSON.stringify(await callTool(ctx, input.agent, tools, call)),
      });
  }
  throw new CrewError('AGENT_TURNS_EXHAUSTED', `${input.agent} did not answer within ${input.maxTurns ?? 8} turns`);
}

async function callTool(
  ctx: StepContext,
  agent: string,
  tools: readonly AgentTool[],
  call: { name: string; arguments: string },
): Promise<JsonValue> {
  const tool = tools.find((candidate) => candidate.name === call.name);
  if (!tool) return { error: `no tool named ${call.name}; the tools are ${tools.map((t) => t.name).join(', ')}` };
  let raw: unknown;
  try {
    raw = JSON.parse(call.arguments || '{}');
  } catch {
    return { error: 'the arguments are not JSON' };
  }
  const args = tool.args.safeParse(raw);
  if (!args.success) return { error: `bad arguments: ${z.prettifyError(args.error)}` };
  const approval = tool.approval?.(args.data);
  return ctx.tool(
    agent,
    tool.name,
    args.data,
    (signal) => tool.run(args.data, signal),
    approval ? { approval } : undefined,
  );
}

/** The JSON answer of a structured reply, checked by `schema`; bad output fails the run with LLM_BAD_OUTPUT. */
export function parseAnswer<S extends z.ZodType>(response: ChatResponse, schema: S, agent: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(response.content ?? '');
  } catch {
    throw new CrewError('LLM_BAD_OUTPUT', `${agent} did not answer JSON`, true);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new CrewError(
      'LLM_BAD_OUTPUT',
      `${agent} answered JSON of the wrong shape: ${z.prettifyError(parsed.error)}`,
      true,
    );
  return parsed.data;
}
