import { afterEach, describe, expect, it } from 'vitest';
import { scriptedReplies, startLocalLlmServer, type LocalLlmServer, type LocalLlmServerOptions } from './index.ts';

let server: LocalLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: LocalLlmServerOptions = {}) {
  server = await startLocalLlmServer(options);
  return server;
}

const ask = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const json = async (response: Response | Promise<Response>): Promise<any> => (await response).json();

const user = (content: string) => ({ model: 'm-1', messages: [{ role: 'user', content }] });

/** The `data:` payloads of an event stream, in order. */
async function events(response: Response): Promise<string[]> {
  const text = await response.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return event.slice('data: '.length);
    });
}

describe('POST /v1/chat/completions without streaming', () => {
  it('answers a chat.completion with the reply, its tool calls and the usage given', async () => {
    const { url } = await start({
      reply: () => ({
        content: 'Scored.',
        toolCalls: [{ name: 'score_lead', arguments: '{"leadId":"l-1"}' }],
        usage: { promptTokens: 12, completionTokens: 5 },
      }),
    });
    const response = await ask(url, user('Score the lead'));
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      id: 'chatcmpl-local-1',
      object: 'chat.completion',
      model: 'm-1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Scored.',
            tool_calls: [
              { id: 'call_0_0', type: 'function', function: { name: 'score_lead', arguments: '{"leadId":"l-1"}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    });
  });

  it('answers deterministically by default, with usage estimated at about 4 characters a token', async () => {
    const { url } = await start();
    const first = await json(ask(url, user('How are my campaigns doing?')));
    const second = await json(ask(url, user('How are my campaigns doing?')));
    expect(first.choices[0].message.content).toBe('Local answer to: How are my campaigns doing?');
    expect(second.choices[0].message.content).toBe(first.choices[0].message.content);
    expect(first.choices[0].finish_reason).toBe('stop');
    // 44 characters of content: 11 tokens.
    expect(first.usage.completion_tokens).toBe(11);
    const promptText = JSON.stringify([{ role: 'user', content: 'How are my campaigns doing?' }]);
    expect(first.usage.prompt_tokens).toBe(Math.ceil(promptText.length / 4));
  });

  it('answers by default the plainest JSON of the schema a request asks for', async () => {
    const { url } = await start();
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 20 },
        tone: { enum: ['formal', 'casual'] },
        sections: {
          type: 'array',
          items: {
            type: 'object',
            properties: { heading: { type: 'string' }, points: { type: 'array', items: { type: 'string' } } },
          },
        },
        adjustment: { type: 'integer', minimum: -10 },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['title', 'tone', 'sections', 'adjustment', 'note'],
    };
    const body = await json(
      ask(url, { ...user('Outline'), response_format: { type: 'json_schema', json_schema: { name: 's', schema } } }),
    );
    expect(JSON.parse(body.choices[0].message.content)).toEqual({
      title: 'Local answer........',
      tone: 'formal',
      sections: [{ heading: 'Local answer', points: ['Local answer'] }],
      adjustment: -10,
      note: 'Local answer',
    });
  });
});

describe('POST /v1/chat/completions with stream: true', () => {
  const replyWithBoth = {
    content: 'The lead looks promising overall.',
    toolCalls: [
      { name: 'read_lead', arguments: '{"leadId":"0b6c1e8e-2f7a-4d1b-9a51-3b1f0d9a2c11"}' },
      { name: 'score', arguments: '{}' },
    ],
    usage: { promptTokens: 30, completionTokens: 9 },
  };

  it('sends the role, content deltas, tool call openings and argument pieces, the finish reason, the usage, then [DONE]', async () => {
    const { url } = await start({ reply: () => replyWithBoth });
    const response = await ask(url, { ...user('Go'), stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const data = await events(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    for (const chunk of chunks)
      expect(chunk).toMatchObject({ id: 'chatcmpl-local-1', object: 'chat.completion.chunk', model: 'm-1' });
    const [first, ...rest] = chunks;
    expect(first.choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    const usageChunk = rest.pop();
    expect(usageChunk).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
    });
    const finish = rest.pop();
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    for (const chunk of [first, ...rest, finish]) expect(chunk.usage).toBeNull();
    for (const chunk of rest) expect(chunk.choices[0].finish_reason).toBeNull();
    const deltas = rest.map((chunk) => chunk.choices[0].delta);
    const contentDeltas = deltas.filter((delta) => 'content' in delta).map((delta) => delta.content);
    expect(contentDeltas.length).toBeGreaterThan(1);
    expect(contentDeltas.join('')).toBe(replyWithBoth.content);
    const toolDeltas = deltas.filter((delta) => 'tool_calls' in delta).map((delta) => delta.tool_calls[0]);
    expect(toolDeltas[0]).toEqual({
      index: 0,
      id: 'call_0_0',
      type: 'function',
      function: { name: 'read_lead', arguments: '' },
    });
    const argumentsOf = (index: number) =>
      toolDeltas.filter((call) => call.index === index && !('id' in call)).map((call) => call.function.arguments);
    expect(argumentsOf(0).length).toBeGreaterThan(1);
    expect(argumentsOf(0).join('')).toBe(replyWithBoth.toolCalls[0]!.arguments);
    expect(toolDeltas.find((call) => call.index === 1 && 'id' in call)).toMatchObject({
      id: 'call_0_1',
      function: { name: 'score' },
    });
    expect(argumentsOf(1).join('')).toBe('{}');
  });

  it('sends no usage chunk and no usage fields without stream_options.include_usage', async () => {
    const { url } = await start({ reply: () => ({ content: 'Hi' }) });
    const data = await events(await ask(url, { ...user('Go'), stream: true }));
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text));
    for (const chunk of chunks) {
      expect(chunk).not.toHaveProperty('usage');
      expect(chunk.choices).toHaveLength(1);
    }
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });
});

describe('scripts, errors and keys', () => {
  it('answers a script in order, records every call, and fails a call past the end with 400', async () => {
    const { url, calls } = await start({ reply: scriptedReplies([{ content: 'one' }, { content: 'two' }]) });
    const contents = [];
    for (const question of ['a', 'b']) contents.push((await json(ask(url, user(question)))).choices[0].message.content);
    expect(contents).toEqual(['one', 'two']);
    const extra = await ask(url, user('c'));
    expect(extra.status).toBe(400);
    expect((await json(extra)).error).toMatchObject({ type: 'invalid_request_error', code: 'script_exhausted' });
    expect(calls.map((call) => (call.messages[0] as { content: string }).content)).toEqual(['a', 'b', 'c']);
  });

  it('answers the status and error of an error reply, and setReply changes the next answers', async () => {
    const server = await start();
    server.setReply({
      status: 429,
      error: { message: 'Slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    });
    const limited = await ask(server.url, user('x'));
    expect(limited.status).toBe(429);
    expect(await json(limited)).toEqual({
      error: { message: 'Slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null },
    });
    server.setReply(() => ({ content: 'back' }));
    expect((await json(ask(server.url, user('x')))).choices[0].message.content).toBe('back');
  });

  it('refuses a missing or wrong bearer with 401 in OpenAI error shape when it has a key', async () => {
    const { url, calls } = await start({ apiKey: 'sk-local' });
    for (const headers of [{}, { authorization: 'Bearer sk-other' }] as Record<string, string>[]) {
      const response = await ask(url, user('x'), headers);
      expect(response.status).toBe(401);
      expect((await json(response)).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    }
    expect((await fetch(`${url}/models`)).status).toBe(401);
    expect((await ask(url, user('x'), { authorization: 'Bearer sk-local' })).status).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('lists its model and answers 400 to a body without messages', async () => {
    const { url } = await start({ model: 'tiny' });
    expect(await json(fetch(`${url}/models`))).toEqual({
      object: 'list',
      data: [{ id: 'tiny', object: 'model', created: 0, owned_by: 'local' }],
    });
    const response = await ask(url, { model: 'tiny' });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('missing_required_parameter');
  });

  it('closes while a delayed answer is pending, and the waiting client sees the connection end', async () => {
    const server = await start({ reply: () => ({ content: 'late', delayMs: 60_000 }) });
    const pending = ask(server.url, user('x')).then(
      () => 'answered',
      () => 'failed',
    );
    while (server.calls.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    expect(await pending).toBe('failed');
    await expect(fetch(`${server.url}/models`)).rejects.toThrow();
  });
});
