import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import {
  completionChunks,
  eventStream,
  startLocalLlmServer,
  type LocalLlmServer,
  type Reply,
} from '@bizosaas/local-llm-server';
import { LlmError, type ChatRequest } from './chat.ts';
import { createOpenAiLlm } from './openai-llm.ts';

const loopbackAllowed = createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] });
const outbound = createOutboundHttp({ policy: loopbackAllowed });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});
afterAll(() => outbound.close());

const question: ChatRequest = { messages: [{ role: 'user', content: 'Score this lead' }] };

const llmAt = (baseUrl: string, timeoutMs = 5000, through: OutboundHttp = outbound) =>
  createOpenAiLlm({ baseUrl, apiKey: 'sk-tenant', model: 'gpt-local', timeoutMs, outbound: through });

async function localLlm(reply: Reply, apiKey = 'sk-tenant'): Promise<LocalLlmServer> {
  const server = await startLocalLlmServer({ apiKey, reply: () => reply });
  closers.push(() => server.close());
  return server;
}

/** A server that answers with whatever `listener` writes: broken streams a real provider might send. */
async function rawServer(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(async () => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('the call succeeded'),
    (error: unknown) => error,
  );

describe('createOpenAiLlm failures', () => {
  it.each([
    [{ status: 429 }, 'LLM_UNAVAILABLE', true],
    [{ status: 500 }, 'LLM_UNAVAILABLE', true],
    [{ status: 503 }, 'LLM_UNAVAILABLE', true],
    [
      { status: 400, error: { message: 'Invalid schema', type: 'invalid_request_error', code: null } },
      'LLM_REJECTED',
      false,
    ],
    [
      { status: 404, error: { message: 'No such model', type: 'invalid_request_error', code: 'model_not_found' } },
      'LLM_REJECTED',
      false,
    ],
  ] as const)('maps an answer %j to %s (retryable: %s)', async (reply, code, retryable) => {
    const server = await localLlm(reply);
    const error = await failureOf(llmAt(server.url).chat(question));
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ code, retryable });
  });

  it('answers LLM_REJECTED to a wrong API key, naming the status', async () => {
    const server = await localLlm({ content: 'never' }, 'sk-other');
    const error = await failureOf(llmAt(server.url).chat(question));
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect((error as Error).message).toContain('401');
  });

  it('answers LLM_TIMEOUT when no answer comes in time', async () => {
    const server = await localLlm({ content: 'late', delayMs: 30_000 });
    expect(await failureOf(llmAt(server.url, 200).chat(question))).toMatchObject({
      code: 'LLM_TIMEOUT',
      retryable: true,
    });
  });

  it('answers LLM_TIMEOUT when the stream starts and then stalls', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const [first] = completionChunks(
        { messages: [] },
        { content: 'Hello there' },
        { id: 'c', created: 0, model: 'm', callIndex: 0 },
      );
      response.write(`data: ${JSON.stringify(first)}\n\n`);
    });
    expect(await failureOf(llmAt(url, 300).chat(question))).toMatchObject({ code: 'LLM_TIMEOUT', retryable: true });
  });

  it('answers LLM_UNAVAILABLE when nothing listens', async () => {
    const server = await startLocalLlmServer();
    await server.close();
    const error = await failureOf(llmAt(server.url).chat(question));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('answers LLM_BAD_OUTPUT to a stream chunk that is not JSON', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('data: {"id":"c","object":"chat.completion.chunk",\n\ndata: [DONE]\n\n');
    });
    expect(await failureOf(llmAt(url).chat(question))).toMatchObject({ code: 'LLM_BAD_OUTPUT', retryable: false });
  });

  it('answers LLM_BAD_OUTPUT to a stream that ends without a finish reason', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunks = completionChunks(
        { messages: [] },
        { content: 'Cut short' },
        { id: 'c', created: 0, model: 'm', callIndex: 0 },
      );
      response.end(eventStream(chunks.slice(0, 2)));
    });
    expect(await failureOf(llmAt(url).chat(question))).toMatchObject({ code: 'LLM_BAD_OUTPUT' });
  });

  it('answers LLM_UNAVAILABLE to an error event inside a started stream', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('data: {"error":{"message":"The server is overloaded","type":"server_error"}}\n\n');
    });
    const error = await failureOf(llmAt(url).chat(question));
    expect(error).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
    expect((error as Error).message).toContain('overloaded');
  });

  it('answers LLM_UNAVAILABLE when the connection breaks off mid-stream', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const [first] = completionChunks(
        { messages: [] },
        { content: 'Hello' },
        { id: 'c', created: 0, model: 'm', callIndex: 0 },
      );
      response.write(`data: ${JSON.stringify(first)}\n\n`, () => response.destroy());
    });
    expect(await failureOf(llmAt(url).chat(question))).toMatchObject({ code: 'LLM_UNAVAILABLE', retryable: true });
  });

  it('estimates the usage at about 4 characters a token when the server sends none', async () => {
    const url = await rawServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      // Built as for a request without stream_options: no usage chunk.
      response.end(
        eventStream(
          completionChunks(
            { messages: [] },
            { content: '12345678' },
            { id: 'c', created: 0, model: 'm', callIndex: 0 },
          ),
        ),
      );
    });
    const response = await llmAt(url).chat(question);
    const promptCharacters = JSON.stringify([{ role: 'user', content: 'Score this lead' }]).length;
    expect(response.usage).toEqual({ promptTokens: Math.ceil(promptCharacters / 4), completionTokens: 2 });
  });

  it('rejects with the reason of an aborted signal and ends the request', async () => {
    const server = await localLlm({ content: 'late', delayMs: 30_000 });
    const controller = new AbortController();
    const call = failureOf(llmAt(server.url).chat(question, { signal: controller.signal }));
    while (server.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const reason = new Error('run cancelled');
    controller.abort(reason);
    expect(await call).toBe(reason);
  });

  it('passes an onToken failure through as it is', async () => {
    const server = await localLlm({ content: 'A long enough answer to stream in pieces' });
    const listenerError = new Error('stream closed');
    const call = llmAt(server.url).chat(question, {
      onToken: () => {
        throw listenerError;
      },
    });
    expect(await failureOf(call)).toBe(listenerError);
  });
});

describe('createOpenAiLlm and the outbound policy', () => {
  it('does not follow a redirect: LLM_REJECTED, and the target is never called', async () => {
    // Without a key of its own: whatever reaches it is recorded.
    const target = await startLocalLlmServer({ reply: () => ({ content: 'redirected' }) });
    closers.push(() => target.close());
    const url = await rawServer((_request, response) => {
      response.writeHead(307, { location: `${target.url}/chat/completions` });
      response.end();
    });
    const error = await failureOf(llmAt(url).chat(question));
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect(target.calls).toHaveLength(0);
  });

  it('never connects to 127.0.0.1 under the default policy: LLM_REJECTED naming the loopback address', async () => {
    const server = await localLlm({ content: 'should not be reached' });
    const strict = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: [] }) });
    closers.push(() => strict.close());
    const error = await failureOf(llmAt(server.url, 5000, strict).chat(question));
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect((error as Error).message).toContain('127.0.0.1 is a loopback address');
    expect(server.calls).toHaveLength(0);
  });

  it('refuses the URL before any connection when given the policy, whatever the agent would allow', async () => {
    const server = await localLlm({ content: 'should not be reached' });
    const llm = createOpenAiLlm({
      baseUrl: server.url.replace('127.0.0.1', 'localhost'),
      apiKey: 'sk-tenant',
      model: 'm',
      timeoutMs: 5000,
      outbound,
      policy: createAddressPolicy({ allowedCidrs: [] }),
    });
    const error = await failureOf(llm.chat(question));
    expect(error).toMatchObject({ code: 'LLM_REJECTED', retryable: false });
    expect((error as Error).message).toContain('localhost is a loopback address');
    expect(server.calls).toHaveLength(0);
  });
});
