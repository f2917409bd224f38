import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, uuidv7, type EventEnvelope } from '@bizosaas/event-schemas';
import { deadLetterStreamKey, eventStreamKey, toStreamFields } from '@bizosaas/messaging';
import { eventually, newLeadBody, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { LEAD_SCORING_GROUP } from './lead-scoring-consumer.ts';

type Caller = Awaited<ReturnType<typeof tenantCaller>>;
type Score = { totalScore: number; behavioralScore: number; demographicScore: number; firmographicScore: number };

let t: TestApp;
let stream: string;
beforeAll(async () => {
  // startTestApp gives the app a namespace of its own: the entries here reach only its consumer.
  t = await startTestApp();
  stream = eventStreamKey('ai_analysis', t.config.EVENT_STREAM_NAMESPACE);
});
afterAll(async () => {
  await t?.close();
});

const scoreOf = (totalScore: number): Score => ({
  totalScore,
  behavioralScore: 80,
  demographicScore: 60,
  firmographicScore: 70,
});

async function createLead(caller: Caller): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/leads',
    headers: caller.headers,
    payload: newLeadBody(),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

/** The envelope ai-agents publishes when it finished scoring a lead (a chain started by the lead's creation). */
function scoringCompleted(caller: Caller, leadId: string, score: Score) {
  return createEvent({
    type: 'ai.analysis_completed',
    tenantId: caller.tenantId,
    actor: { type: 'service', id: 'ai-agents' },
    aggregateId: uuidv7(),
    causedBy: { id: uuidv7(), correlationId: randomUUID() },
    data: {
      analysisType: 'lead_scoring',
      summary: 'Scored by the lead-scoring crew',
      confidence: 88,
      results: { leadId, score, factors: ['engagement'] },
      durationMs: 2100,
      tokensUsed: 900,
    },
  });
}

/** XADDs the envelope (once per call: a second call is the same event delivered again) and waits until the group has handled it. */
async function publish(event: EventEnvelope): Promise<void> {
  const entryId = await t.redis.xadd(stream, '*', ...toStreamFields(event));
  await eventually(
    async () => (await t.redis.xinfo('GROUPS', stream)) as unknown[][],
    (groups) => {
      const group = groups.map((g) => Object.fromEntries(chunks(g))).find((g) => g.name === LEAD_SCORING_GROUP);
      expect(group).toMatchObject({ 'last-delivered-id': entryId, pending: 0 });
    },
  );
}
const chunks = (flat: unknown[]) => flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]] as const] : []));

async function setPolicy(caller: Caller, policy: { qualifyThreshold: number; autoQualify: boolean }) {
  const res = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/lead-scoring-policy',
    headers: caller.headers,
    payload: policy,
  });
  expect(res.statusCode, res.body).toBe(200);
}

const getLead = async (caller: Caller, leadId: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/leads/${leadId}`, headers: caller.headers })).json();

/** The lead's events as the relay published them. */
async function publishedLeadEvents(leadId: string, count: number) {
  return eventually(
    async () =>
      (await t.redis.xrange(eventStreamKey('lead'), '-', '+'))
        .map(([, fields]) => JSON.parse(fields[fields.indexOf('envelope') + 1]!))
        .filter((event) => event.aggregateId === leadId),
    (events) => expect(events).toHaveLength(count),
  );
}

describe('lead scoring consumer (ai.analysis_completed of lead_scoring)', () => {
  it('qualifies a lead at the default threshold once, though the event is delivered twice, in its correlation', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const completed = scoringCompleted(caller, leadId, scoreOf(82));
    await publish(completed);
    await publish(completed);
    expect(await getLead(caller, leadId)).toMatchObject({
      status: 'qualified',
      version: 2,
      score: scoreOf(82),
      qualifiedBy: null,
      nurturing: false,
    });
    const events = await publishedLeadEvents(leadId, 2);
    expect(events.map((event) => event.type)).toEqual(['lead.created', 'lead.qualified']);
    expect(events[1]).toMatchObject({
      correlationId: completed.correlationId,
      causationId: completed.id,
      actor: { type: 'system', id: 'lead-scoring-policy' },
      data: { method: 'ai', analysisId: completed.aggregateId, notes: 'AI score 82 >= threshold 70' },
    });
  });

  it('marks a lead below the threshold for nurturing, and the list finds it among nurturing leads', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const completed = scoringCompleted(caller, leadId, scoreOf(55));
    await publish(completed);
    // Under a lower threshold the same score would qualify: a second effect of the redelivery would show.
    await setPolicy(caller, { qualifyThreshold: 50, autoQualify: true });
    await publish(completed);
    expect(await getLead(caller, leadId)).toMatchObject({ status: 'new', version: 2, nurturing: true });
    const events = await publishedLeadEvents(leadId, 2);
    expect(events[1]).toMatchObject({
      type: 'lead.marked_for_nurturing',
      correlationId: completed.correlationId,
      causationId: completed.id,
      data: { reason: 'score_below_threshold', totalScore: 55, threshold: 70, analysisId: completed.aggregateId },
    });
    await eventually(
      async () =>
        (await t.app.inject({ method: 'GET', url: '/api/v1/leads?nurturing=true', headers: caller.headers })).json(),
      (page) => expect(page.items.map((item: { id: string }) => item.id)).toEqual([leadId]),
    );
  });

  it("applies the tenant's own threshold", async () => {
    const caller = await tenantCaller(t.key);
    await setPolicy(caller, { qualifyThreshold: 90, autoQualify: true });
    const leadId = await createLead(caller);
    await publish(scoringCompleted(caller, leadId, scoreOf(85)));
    expect(await getLead(caller, leadId)).toMatchObject({ status: 'new', nurturing: true });
    const [, marked] = await publishedLeadEvents(leadId, 2);
    expect(marked.data).toMatchObject({ totalScore: 85, threshold: 90 });
  });

  it('skips a lead a person qualified meanwhile, without a retry or a dead letter', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const qualified = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${leadId}/qualify`,
      headers: caller.headers,
      payload: { score: scoreOf(75) },
    });
    expect(qualified.statusCode, qualified.body).toBe(200);
    await publish(scoringCompleted(caller, leadId, scoreOf(40)));
    await publish(scoringCompleted(caller, leadId, scoreOf(95)));
    expect(await getLead(caller, leadId)).toMatchObject({
      status: 'qualified',
      version: 2,
      qualifiedBy: caller.userId,
    });
    expect(await t.redis.xlen(deadLetterStreamKey(stream))).toBe(0);
  });

  it('ignores analyses of other types', async () => {
    const caller = await tenantCaller(t.key);
    const leadId = await createLead(caller);
    const seo = scoringCompleted(caller, leadId, scoreOf(95));
    await publish({ ...seo, data: { ...seo.data, analysisType: 'seo_analysis' } });
    expect(await getLead(caller, leadId)).toMatchObject({ status: 'new', version: 1, nurturing: false });
  });
});
