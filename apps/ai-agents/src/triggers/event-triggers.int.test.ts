import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { z } from 'zod';
import { withTransaction } from '@bizosaas/db';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { eventStreamKey, toStreamFields } from '@bizosaas/messaging';
import type { Crew } from '../crews/crew.ts';
import { analysisWhen, statusIs } from '../runs/testing/run-fixtures.ts';
import { eventually, expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

const subject = z.strictObject({ leadId: z.uuid() });
const options = z.strictObject({});

/** lead_scoring without domain-repository: the trigger is under test, not the crew. */
const scoringCrew: Crew<typeof subject, typeof options> = {
  kind: 'lead_scoring',
  name: 'lead-scoring-crew',
  version: 'test',
  agents: ['lead-scorer'],
  subject,
  options,
  requiresLlm: false,
  async run(ctx, { leadId }) {
    const score = await ctx.tool('lead-scorer', 'score', { leadId }, async () => ({ totalScore: 81 }));
    return { summary: 'scored', confidence: 80, results: { leadId, score } };
  },
};

const campaignSubject = z.strictObject({ campaignId: z.uuid() });
const campaignOptions = z.strictObject({ apply: z.enum(['auto', 'propose']) });

/** campaign_optimization without an LLM or domain-repository: the monitor is under test. */
const optimizationCrew: Crew<typeof campaignSubject, typeof campaignOptions> = {
  kind: 'campaign_optimization',
  name: 'campaign-optimization-crew',
  version: 'test',
  agents: ['campaign-analyst'],
  subject: campaignSubject,
  options: campaignOptions,
  requiresLlm: false,
  async run(_ctx, { campaignId }, { apply }) {
    return { summary: 'watched', confidence: 50, results: { campaignId, apply } };
  },
};

describe('events that ask for analyses', () => {
  const namespace = `test:ai-triggers:${randomUUID().slice(0, 8)}:events`;
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(
      { EVENT_STREAM_NAMESPACE: namespace },
      {
        crews: [scoringCrew, optimizationCrew],
        settings: async () => ({ llm: null, prices: null, approvalTimeoutMs: 60_000, monthlyTokenQuota: 0 }),
      },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  const publish = (event: EventEnvelope) =>
    t.redis.xadd(eventStreamKey(event.aggregateType, namespace), '*', ...toStreamFields(event));
  const analysesOf = (tenantId: string) =>
    withTransaction(
      t.pool,
      async (client) =>
        (
          await client.query<{
            id: string;
            analysis_type: string;
            correlation_id: string;
            causation_id: string;
            subject: unknown;
          }>('SELECT id, analysis_type, correlation_id, causation_id, subject FROM ai_agents.analyses')
        ).rows,
      { tenantId },
    );

  it("scores a new lead once, in the lead event's correlation, however often the event is delivered", async () => {
    const { tenantId, headers } = await tenantCaller(t.key);
    const leadId = randomUUID();
    const created = createEvent({
      type: 'lead.created',
      tenantId,
      aggregateId: leadId,
      actor: { type: 'service', id: 'domain-repository' },
      data: {
        contact: {
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: null,
          phone: null,
          company: null,
          jobTitle: null,
        },
        source: 'website_form',
        utmParameters: {},
        campaignId: null,
      },
    });
    await publish(created);
    await publish(created);
    const [analysis] = await eventually(
      () => analysesOf(tenantId),
      (rows) => expect(rows).toHaveLength(1),
    );
    expect(analysis).toMatchObject({
      analysis_type: 'lead_scoring',
      correlation_id: created.correlationId,
      causation_id: created.id,
      subject: { leadId },
    });
    const done = await analysisWhen(t, headers, analysis!.id, statusIs('completed'));
    expect(done.result).toEqual({ leadId, score: { totalScore: 81 } });
    // A later delivery of the same event still asks for nothing new.
    await publish(created);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await analysesOf(tenantId)).toHaveLength(1);
  });

  it('runs an analysis another service asked for under the id it chose, its request first on the stream', async () => {
    const { tenantId, headers } = await tenantCaller(t.key);
    const leadId = randomUUID();
    const requested = createEvent({
      type: 'ai.analysis_requested',
      tenantId,
      aggregateId: randomUUID(),
      aggregateVersion: 1,
      actor: { type: 'service', id: 'campaign' },
      data: { analysisType: 'lead_scoring', subject: { type: 'lead', id: leadId }, priority: 'high', parameters: {} },
    });
    await publish(requested);
    const done = await analysisWhen(t, headers, requested.aggregateId, statusIs('completed'));
    expect(done).toMatchObject({ priority: 'high', correlationId: requested.correlationId, subject: { leadId } });
    const events = await withTransaction(
      t.pool,
      async (client) =>
        (
          await client.query<{ type: string; version: number; event_id: string }>(
            `SELECT type, version, event_id FROM ai_agents_event_store.events WHERE stream_id = $1 ORDER BY version`,
            [`ai_analysis-${requested.aggregateId}`],
          )
        ).rows,
      { tenantId },
    );
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['ai.analysis_requested', 1],
      ['ai.analysis_started', 2],
      ['ai.analysis_completed', 3],
    ]);
    expect(events[0]!.event_id).toBe(requested.id);
  });

  it('asks for nothing on an analysis type with no subject it can take', async () => {
    const { tenantId } = await tenantCaller(t.key);
    const requested = createEvent({
      type: 'ai.analysis_requested',
      tenantId,
      aggregateId: randomUUID(),
      actor: { type: 'service', id: 'campaign' },
      data: {
        analysisType: 'lead_scoring',
        subject: { type: 'website', url: 'https://example.com' },
        priority: 'normal',
        parameters: {},
      },
    });
    await publish(requested);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await analysesOf(tenantId)).toHaveLength(0);
  });

  it('watches a launched campaign: an optimisation at once and every interval, none once it is paused', async () => {
    const { tenantId } = await tenantCaller(t.key);
    const campaignId = randomUUID();
    const event = (type: 'campaign.launched' | 'campaign.paused', version: number) =>
      createEvent({
        type,
        tenantId,
        aggregateId: campaignId,
        aggregateVersion: version,
        actor: { type: 'service', id: 'domain-repository' },
        data: (type === 'campaign.launched'
          ? { channels: ['email'], scheduledEndDate: null }
          : { reason: 'Creative under review' }) as never,
      });
    const launched = event('campaign.launched', 2);
    await publish(launched);
    const optimisations = () =>
      analysesOf(tenantId).then((rows) => rows.filter((r) => r.analysis_type === 'campaign_optimization'));
    const [first] = await eventually(optimisations, (rows) => expect(rows).toHaveLength(1));
    expect(first).toMatchObject({ correlation_id: launched.correlationId, subject: { campaignId } });
    const due = () =>
      withTransaction(
        t.pool,
        (client) => client.query("UPDATE ai_agents.campaign_monitors SET next_run_at = now() - interval '1 second'"),
        { tenantId },
      );
    await due();
    await eventually(optimisations, (rows) => expect(rows).toHaveLength(2));
    await publish(event('campaign.paused', 3));
    await eventually(
      () =>
        withTransaction(
          t.pool,
          async (client) => (await client.query('SELECT active FROM ai_agents.campaign_monitors')).rows,
          {
            tenantId,
          },
        ),
      (rows) => expect(rows).toEqual([{ active: false }]),
    );
    await due();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await optimisations()).toHaveLength(2);
  });
});
