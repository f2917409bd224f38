import { afterAll, beforeAll, describe, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { scriptedReplies } from '@bizosaas/local-llm-server';
import { createContentGenerationCrew } from '../crews/content-generation/content-generation-crew.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { analysisWhen, json, startLlmFixture, statusIs, text, type LlmFixture } from './testing/run-fixtures.ts';

const outline = {
  title: 'Spring launch',
  sections: [
    { heading: 'Why now', points: ['a'] },
    { heading: 'How', points: ['b'] },
  ],
};
const edited = { title: 'Spring launch', metaDescription: 'All about spring', body: 'Final text' };
const fourCalls = () => [json(outline), text('Section one'), text('Section two'), json(edited)];

describe('analyses run by crews over the LLM port', () => {
  let llm: LlmFixture;
  let t: TestApp;
  beforeAll(async () => {
    llm = await startLlmFixture();
    t = await startTestApp(
      { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
      { crews: [createContentGenerationCrew({ outbound: llm.outbound })], settings: llm.settings() },
    );
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  const request = async (headers: Record<string, string>, body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/agents/analyses', headers, payload: body });

  it('runs a crew to its result, recording every step, its usage and its events', async () => {
    const { headers, tenantId } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const calls = llm.server.calls.length;
    const accepted = await request(headers, {
      analysisType: 'content_generation',
      subject: { brief: 'Announce spring' },
    });
    expect(accepted.statusCode).toBe(202);
    const id = accepted.json().id as string;
    const done = await analysisWhen(t, headers, id, statusIs('completed'));
    expect(llm.server.calls.length - calls).toBe(4);
    expect(done.result).toMatchObject({ title: 'Spring launch', body: 'Final text' });
    expect((done.steps as { kind: string; agent: string }[]).map((s) => `${s.kind}:${s.agent}`)).toEqual([
      'llm:content-strategist',
      'llm:content-writer',
      'llm:content-writer',
      'llm:content-editor',
    ]);
    expect(done.usage).toMatchObject({
      steps: 4,
      llmCalls: 4,
      promptTokens: 40,
      completionTokens: 20,
      cost: '0.0000500000',
    });
    const types = await withTransaction(
      t.pool,
      async (client) =>
        (
          await client.query<{ type: string; correlation_id: string }>(
            `SELECT type, metadata->>'correlationId' AS correlation_id FROM ai_agents_event_store.events ORDER BY global_position`,
          )
        ).rows,
      { tenantId },
    );
    expect(types.map((row) => row.type).sort()).toEqual(
      [
        'ai.analysis_requested',
        'ai.analysis_started',
        'ai.analysis_completed',
        ...['content-strategist', 'content-writer', 'content-editor'].flatMap(() => [
          'agent.task_assigned',
          'agent.task_completed',
        ]),
      ].sort(),
    );
    expect(new Set(types.map((row) => row.correlation_id))).toEqual(new Set([done.correlationId]));
  });

  it('ends a run whose agent repeats the same tool call in LOOP_DETECTED', async () => {
    const { headers } = await tenantCaller(t.key);
    const url = 'http://127.0.0.1:9/brief';
    llm.server.setReply({
      toolCalls: [{ name: 'read_reference', arguments: JSON.stringify({ url }) }],
      usage: { promptTokens: 5, completionTokens: 5 },
    });
    const accepted = await request(headers, {
      analysisType: 'content_generation',
      subject: { brief: 'Loop' },
      options: { references: [url] },
    });
    const failed = await analysisWhen(t, headers, accepted.json().id, statusIs('failed'));
    expect(failed.error).toMatchObject({ code: 'LOOP_DETECTED', retryable: false });
    // Two reads ran; the third identical one was refused before it ran.
    expect((failed.steps as { kind: string }[]).filter((s) => s.kind === 'tool')).toHaveLength(2);
  });

  it('ends a run past its token budget in BUDGET_EXCEEDED with the tokens used recorded', async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies([json(outline, { promptTokens: 80, completionTokens: 40 })]));
    const accepted = await request(headers, {
      analysisType: 'content_generation',
      subject: { brief: 'Budget' },
      budget: { maxTokens: 100 },
    });
    const failed = await analysisWhen(t, headers, accepted.json().id, statusIs('failed'));
    expect(failed.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(failed.usage).toMatchObject({ llmCalls: 1, totalTokens: 120 });
  });

  it('refuses unknown fields by name and a subject that does not fit the type', async () => {
    const { headers } = await tenantCaller(t.key);
    const unknown = await request(headers, { analysisType: 'content_generation', subject: { brief: 'x' }, extra: 1 });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().details)).toContain('extra');
    const bad = await request(headers, { analysisType: 'content_generation', subject: { url: 'https://example.com' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['subject.brief', 'subject']),
    );
  });

  it('replays a finished analysis from its recorded answers: the same result, no LLM call', async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const first = await request(headers, { analysisType: 'content_generation', subject: { brief: 'Replay me' } });
    const original = await analysisWhen(t, headers, first.json().id, statusIs('completed'));
    llm.server.setReply(scriptedReplies([]));
    const calls = llm.server.calls.length;
    const replay = await t.app.inject({
      method: 'POST',
      url: `/api/v1/agents/analyses/${String(original.id)}/replay`,
      headers,
    });
    expect(replay.statusCode).toBe(202);
    const replayed = await analysisWhen(t, headers, replay.json().id, statusIs('completed'));
    expect(llm.server.calls.length).toBe(calls);
    expect(replayed.result).toEqual(original.result);
    expect(replayed.replay).toEqual({ of: original.id, identical: true });
    expect((replayed.steps as unknown[]).length).toBe(4);
  });

  it("streams an analysis's recorded steps and its final status as server-sent events", async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const accepted = await request(headers, { analysisType: 'content_generation', subject: { brief: 'Stream me' } });
    await analysisWhen(t, headers, accepted.json().id, statusIs('completed'));
    const stream = await t.app.inject({
      method: 'GET',
      url: `/api/v1/agents/analyses/${accepted.json().id}/stream`,
      headers,
    });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const events = stream.body.split('\n').filter((line) => line.startsWith('event: '));
    expect(events).toEqual(['event: step', 'event: step', 'event: step', 'event: step', 'event: status']);
    expect(stream.body).toContain('data: {"status":"completed"}');
    const after = await t.app.inject({
      method: 'GET',
      url: `/api/v1/agents/analyses/${accepted.json().id}/stream`,
      headers: { ...headers, 'last-event-id': '3' },
    });
    expect(after.body.split('\n').filter((line) => line.startsWith('id: '))).toEqual(['id: 4']);
  });

  it("streams the LLM's tokens to a client that is listening while the analysis runs", async () => {
    const { headers } = await tenantCaller(t.key);
    const [first, ...rest] = fourCalls();
    llm.server.setReply(scriptedReplies([{ ...first, delayMs: 400 }, ...rest]));
    const accepted = await request(headers, { analysisType: 'content_generation', subject: { brief: 'Live' } });
    const stream = await t.app.inject({
      method: 'GET',
      url: `/api/v1/agents/analyses/${accepted.json().id}/stream`,
      headers,
    });
    const tokens = stream.body
      .split('\n\n')
      .filter((frame) => frame.startsWith('event: token'))
      .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as { agent: string; delta: string });
    const written = tokens.filter((token) => token.agent === 'content-writer').map((token) => token.delta);
    expect(written.join('')).toBe('Section oneSection two');
    expect(stream.body).toContain('data: {"status":"completed"}');
  });

  it('answers a repeated Idempotency-Key with the analysis the first request made, run once', async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const calls = llm.server.calls.length;
    const keyed = { ...headers, 'idempotency-key': 'spring-brief-1' };
    const body = { analysisType: 'content_generation', subject: { brief: 'Once' } };
    const first = await request(keyed, body);
    const second = await request(keyed, body);
    expect(second.statusCode).toBe(202);
    expect(second.json().id).toBe(first.json().id);
    await analysisWhen(t, headers, first.json().id, statusIs('completed'));
    expect(llm.server.calls.length - calls).toBe(4);
  });

  it('ends a run past its decimal cost limit in BUDGET_EXCEEDED, and one past its deadline in DEADLINE_EXCEEDED', async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const costly = await request(headers, {
      analysisType: 'content_generation',
      subject: { brief: 'Cost' },
      budget: { maxCost: '0.00001' },
    });
    const overCost = await analysisWhen(t, headers, costly.json().id, statusIs('failed'));
    expect(overCost.error).toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(overCost.usage).toMatchObject({ llmCalls: 1, cost: '0.0000125000' });
    const [first, ...rest] = fourCalls();
    llm.server.setReply(scriptedReplies([{ ...first, delayMs: 1200 }, ...rest]));
    const slow = await request(headers, {
      analysisType: 'content_generation',
      subject: { brief: 'Slow' },
      budget: { deadlineMs: 1000 },
    });
    const late = await analysisWhen(t, headers, slow.json().id, statusIs('failed'));
    expect(late.error).toMatchObject({ code: 'DEADLINE_EXCEEDED', retryable: true });
    expect(late.usage).toMatchObject({ llmCalls: 1 });
  });

  it('lists analyses newest first by status and type, a page at a time', async () => {
    const { headers } = await tenantCaller(t.key);
    const ids: string[] = [];
    for (const brief of ['List one', 'List two']) {
      llm.server.setReply(scriptedReplies(fourCalls()));
      const accepted = await request(headers, { analysisType: 'content_generation', subject: { brief } });
      ids.push((await analysisWhen(t, headers, accepted.json().id, statusIs('completed'))).id as string);
    }
    const list = (query: string) => t.app.inject({ method: 'GET', url: `/api/v1/agents/analyses?${query}`, headers });
    const page1 = (await list('limit=1&status=completed&analysisType=content_generation')).json();
    expect(page1.items.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
    const page2 = (await list(`limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect((await list('status=failed')).json().items).toEqual([]);
    const bad = await list('cursor=nonsense');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details.issues[0]).toMatchObject({ path: 'cursor' });
    const unknown = await list('colour=red');
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().details)).toContain('colour');
  });

  it("hides another tenant's analysis", async () => {
    const { headers } = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const accepted = await request(headers, { analysisType: 'content_generation', subject: { brief: 'Mine' } });
    await analysisWhen(t, headers, accepted.json().id, statusIs('completed'));
    const other = await tenantCaller(t.key);
    const hidden = await t.app.inject({
      method: 'GET',
      url: `/api/v1/agents/analyses/${accepted.json().id}`,
      headers: other.headers,
    });
    expect(hidden.statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents/analyses', headers: other.headers });
    expect(list.json().items).toEqual([]);
  });

  it('scores the deployed crew on recorded analyses: agreement without asking again, and with a model that answers otherwise', async () => {
    const { headers } = await tenantCaller(t.key);
    const ids: string[] = [];
    for (const brief of ['Eval one', 'Eval two']) {
      llm.server.setReply(scriptedReplies(fourCalls()));
      const accepted = await request(headers, { analysisType: 'content_generation', subject: { brief } });
      ids.push((await analysisWhen(t, headers, accepted.json().id, statusIs('completed'))).id as string);
    }
    const evalUntilDone = async (body: Record<string, unknown>) => {
      const started = await t.app.inject({ method: 'POST', url: '/api/v1/agents/evals', headers, payload: body });
      expect(started.statusCode).toBe(202);
      return eventually(
        async () =>
          (await t.app.inject({ method: 'GET', url: `/api/v1/agents/evals/${started.json().id}`, headers })).json(),
        (view) => expect(view.status).toBe('completed'),
      );
    };
    llm.server.setReply(scriptedReplies([]));
    const calls = llm.server.calls.length;
    const same = await evalUntilDone({ analysisType: 'content_generation', analysisIds: ids, useLlm: false });
    expect(same).toMatchObject({ total: 2, agreed: 2, agreement: 1 });
    expect(llm.server.calls.length).toBe(calls);
    const otherEditor = { ...edited, body: 'A different final text' };
    llm.server.setReply(
      scriptedReplies([...fourCalls().slice(0, 3), json(otherEditor), ...fourCalls().slice(0, 3), json(otherEditor)]),
    );
    const changed = await evalUntilDone({ analysisType: 'content_generation', analysisIds: ids });
    expect(changed).toMatchObject({ total: 2, agreed: 0, agreement: 0 });
    expect(changed.items[0].evaluated).toMatchObject({ body: 'A different final text' });
    const viewer = await tenantCaller(t.key, ['viewer']);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/evals',
      headers: viewer.headers,
      payload: { bad: 1 },
    });
    expect(refused.statusCode).toBe(403);
  });
});

describe('the monthly token quota', () => {
  let llm: LlmFixture;
  let t: TestApp;
  beforeAll(async () => {
    llm = await startLlmFixture();
    t = await startTestApp(
      {},
      {
        crews: [createContentGenerationCrew({ outbound: llm.outbound })],
        settings: llm.settings({ monthlyTokenQuota: 50 }),
      },
    );
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it("answers 429 once the tenant used its month's tokens, and shows the usage", async () => {
    const { headers } = await tenantCaller(t.key);
    const body = { analysisType: 'content_generation', subject: { brief: 'Quota' } };
    llm.server.setReply(scriptedReplies(fourCalls()));
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/agents/analyses', headers, payload: body });
    await analysisWhen(t, headers, first.json().id, statusIs('completed'));
    const usage = await t.app.inject({ method: 'GET', url: '/api/v1/agents/usage', headers });
    expect(usage.json()).toMatchObject({ runs: 1, totalTokens: 60, cost: '0.0000500000', monthlyTokenQuota: 50 });
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/agents/analyses', headers, payload: body });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      error: 'RATE_LIMITED',
      details: { reason: 'MONTHLY_TOKEN_QUOTA', monthlyTokenQuota: 50, tokensUsed: 60 },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const other = await tenantCaller(t.key);
    llm.server.setReply(scriptedReplies(fourCalls()));
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/analyses',
      headers: other.headers,
      payload: body,
    });
    expect(fresh.statusCode).toBe(202);
    await analysisWhen(t, other.headers, fresh.json().id, statusIs('completed'));
  });
});
