import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import {
  completionChunks,
  eventStream,
  scriptedReplies,
  startLocalLlmServer,
  type LocalLlmServer,
} from '@bizosaas/local-llm-server';
import type { ChatRequest } from './chat.ts';
import { createOpenAiLlm } from './openai-llm.ts';

// The local server listens on 127.0.0.1, which the platform refuses unless allowed (development).
const loopbackAllowed = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] });
const outbound = createOutboundHttp({ policy: loopbackAllowed });
afterAll(() => outbound.close());

let server: LocalLlmServer;
afterEach(() => server.close());

async function llmOver(replies: Parameters<typeof scriptedReplies>[0]) {
  server = await startLocalLlmServer({ apiKey: 'sk-tenant', reply: scriptedReplies(replies) });
  return createOpenAiLlm({
    baseUrl: server.url,
    apiKey: 'sk-tenant',
    model: 'gpt-local',
    timeoutMs: 5000,
    outbound,
    policy: loopbackAllowed,
  });
}

const question: ChatRequest = { messages: [{ role: 'user', content: 'Score this lead' }] };

describe('createOpenAiLlm', () => {
  it('streams the content to onToken in several deltas and answers the whole of it with the usage', async () => {
    const llm = await llmOver([
      { content: 'The lead fits the ideal customer profile.', usage: { promptTokens: 21, completionTokens: 9 } },
    ]);
    const deltas: string[] = [];
    const response = await llm.chat(question, { onToken: (delta) => deltas.push(delta) });
    expect(response).toEqual({
      content: 'The lead fits the ideal customer profile.',
      toolCalls: [],
      finishReason: 'stop',
      model: 'gpt-local',
      usage: { promptTokens: 21, completionTokens: 9 },
    });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(response.content);
    expect(llm).toMatchObject({ provider: 'openai-compatible', model: 'gpt-local' });
  });

  it('assembles streamed tool calls, arguments included, in their order', async () => {
    const readLead = { name: 'read_lead', arguments: '{"leadId":"5f0c2a9e-8d3b-4c1e-9f7a-2b6d4e8c1a3f"}' };
    const score = { name: 'score_lead', arguments: '{"score":72,"reasons":["budget confirmed","decision maker"]}' };
    const llm = await llmOver([{ toolCalls: [readLead, score] }]);
    const response = await llm.chat(question);
    expect(response.content).toBeNull();
    expect(response.finishReason).toBe('tool_calls');
    expect(response.toolCalls).toEqual([
      { id: 'call_0_0', ...readLead },
      { id: 'call_0_1', ...score },
    ]);
  });

  it('sends the conversation, tools, structured output and limits in the Chat Completions wire format', async () => {
    const llm = await llmOver([{ content: '{"score":50}' }]);
    const schema = {
      type: 'object',
      properties: { score: { type: 'number' } },
      required: ['score'],
      additionalProperties: false,
    };
    await llm.chat({
      messages: [
        { role: 'system', content: 'You score leads.' },
        { role: 'user', content: 'Score lead 7' },
        { role: 'assistant', content: null, toolCalls: [{ id: 'call_1', name: 'read_lead', arguments: '{"id":7}' }] },
        { role: 'tool', toolCallId: 'call_1', content: '{"company":"Acme"}' },
        { role: 'assistant', content: 'Reading done.' },
      ],
      tools: [{ name: 'read_lead', description: 'Reads a lead', parameters: { type: 'object', properties: {} } }],
      responseFormat: { name: 'lead_score', schema },
      maxTokens: 300,
      temperature: 0,
    });
    expect(server.calls).toEqual([
      {
        model: 'gpt-local',
        messages: [
          { role: 'system', content: 'You score leads.' },
          { role: 'user', content: 'Score lead 7' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_lead', arguments: '{"id":7}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"company":"Acme"}' },
          { role: 'assistant', content: 'Reading done.' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        tools: [
          {
            type: 'function',
            function: {
              name: 'read_lead',
              description: 'Reads a lead',
              parameters: { type: 'object', properties: {} },
            },
          },
        ],
        response_format: { type: 'json_schema', json_schema: { name: 'lead_score', schema, strict: true } },
        max_tokens: 300,
        temperature: 0,
      },
    ]);
  });

  it('sends no tools, response format or limits the request does not name', async () => {
    const llm = await llmOver([{ content: 'ok' }]);
    await llm.chat({ ...question, tools: [] });
    expect(Object.keys(server.calls[0]!).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
  });

  it('calls once per chat: the client never retries a failure on its own', async () => {
    const llm = await llmOver([{ status: 503 }, { content: 'second' }]);
    await expect(llm.chat(question)).rejects.toMatchObject({ code: 'LLM_UNAVAILABLE' });
    expect(server.calls).toHaveLength(1);
    expect((await llm.chat(question)).content).toBe('second');
  });

  it("sends the tenant's bearer key and none of the platform's OPENAI_* settings", async () => {
    vi.stubEnv('OPENAI_ORG_ID', 'org-platform');
    vi.stubEnv('OPENAI_PROJECT_ID', 'proj-platform');
    vi.stubEnv('OPENAI_ADMIN_KEY', 'sk-admin-platform');
    const seen: IncomingHttpHeaders[] = [];
    const headersServer = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        eventStream(
          completionChunks({ messages: [] }, { content: 'ok' }, { id: 'c', created: 0, model: 'm', callIndex: 0 }),
        ),
      );
    });
    headersServer.listen(0, '127.0.0.1');
    await once(headersServer, 'listening');
    try {
      const { port } = headersServer.address() as AddressInfo;
      const llm = createOpenAiLlm({
        baseUrl: `http://127.0.0.1:${port}/v1`,
        apiKey: 'sk-tenant',
        model: 'm',
        timeoutMs: 5000,
        outbound,
      });
      await llm.chat(question);
    } finally {
      vi.unstubAllEnvs();
      headersServer.closeAllConnections();
      headersServer.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe('Bearer sk-tenant');
    expect(Object.keys(seen[0]!).filter((name) => name.startsWith('openai-'))).toEqual([]);
    expect(JSON.stringify(seen[0])).not.toContain('platform');
  });
});
