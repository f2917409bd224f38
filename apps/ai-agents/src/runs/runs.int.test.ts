import { afterAll, beforeAll, describe, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { scriptedReplies } from '@bizosaas/local-llm-server';
import { createContentGenerationCrew } from '../crews/content-generation/content-generation-crew.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
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
});
