import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { campaignsFeature } from '../campaigns/campaigns-feature.ts';
import { contactsFeature } from '../contacts/contacts-feature.ts';
import { publishAll, streamOf } from '../contacts/contact-test-events.ts';
import { EVENT_STORE_SCHEMA } from '../schema.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { executionsFeature } from './executions-feature.ts';

// Without a notification client nothing is sent: these tests are about the plan, the launch
// (freeze and enrolment) and the lifecycle the campaign's events drive.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [campaignsFeature, contactsFeature, executionsFeature] });
});
afterAll(async () => {
  await t?.close();
});

const plan = (status: string[] = ['new']) => ({
  audience: { filter: { status } },
  steps: [
    { type: 'send', id: 'promo', channel: 'email', templateKey: 'spring-promo' },
    { type: 'wait', id: 'pause', hours: 48 },
    { type: 'branch', id: 'opened', on: 'opened', withinHours: 24, then: null, otherwise: 'again' },
    { type: 'send', id: 'again', channel: 'email', templateKey: 'spring-promo-reminder' },
  ],
});

const exampleContact = eventCatalogue['lead.created'].example.contact;
const contact = (email: string) => ({ contact: { ...exampleContact, email } });

async function lead(tenantId: string, changes: Record<string, unknown> = {}) {
  const events = streamOf(tenantId, [['lead.created', { ...contact(`${randomUUID()}@example.com`), ...changes }]]);
  await publishAll(t, events);
  return events[0]!.aggregateId;
}

async function campaignEvents(
  tenantId: string,
  campaignId: string,
  ...types: ('campaign.created' | 'campaign.launched' | 'campaign.paused' | 'campaign.resumed' | 'campaign.completed')[]
) {
  const all = streamOf(
    tenantId,
    [['campaign.created'], ['campaign.launched'], ['campaign.paused'], ['campaign.resumed'], ['campaign.completed']],
    campaignId,
  );
  await publishAll(
    t,
    all.filter((event) => types.includes(event.type as (typeof types)[number])),
  );
}

const executions = async (headers: Record<string, string>, campaignId: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions?campaignId=${campaignId}`, headers })).json();

describe('campaign plans', () => {
  it('saves versions, refuses bad steps by name, stale versions and callers without permission', async () => {
    const { headers } = await tenantCaller(t.key);
    const url = `/api/v1/campaign-executions/${randomUUID()}/plan`;
    const saved = await t.app.inject({ method: 'PUT', url, headers, payload: plan() });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ version: 1, frozenAt: null, sendRatePerMinute: null });
    const stale = await t.app.inject({ method: 'PUT', url, headers, payload: { ...plan(), expectedVersion: 0 } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details).toEqual({ expectedVersion: 0, actualVersion: 1 });
    const backwards = plan();
    backwards.steps[2] = { ...backwards.steps[2]!, otherwise: 'promo' } as never;
    const loop = await t.app.inject({ method: 'PUT', url, headers, payload: backwards });
    expect(loop.statusCode).toBe(400);
    expect(JSON.stringify(loop.json().details)).toContain('steps.2.otherwise');
    const unknown = await t.app.inject({ method: 'PUT', url, headers, payload: { ...plan(), speed: 'fast' } });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().details)).toContain('speed');
    const viewer = await tenantCaller(t.key, ['viewer']);
    const refused = await t.app.inject({ method: 'PUT', url, headers: viewer.headers, payload: { not: 'even valid' } });
    expect(refused.statusCode).toBe(403);
    const other = await tenantCaller(t.key);
    expect((await t.app.inject({ method: 'GET', url, headers: other.headers })).statusCode).toBe(404);
  });
});

describe('campaign executions', () => {
  it('freezes the plan at launch, enrols the matching audience once, and follows pause, resume and completion', async () => {
    const caller = await tenantCaller(t.key);
    const { tenantId, headers } = caller;
    const campaignId = randomUUID();
    const fresh = [await lead(tenantId), await lead(tenantId), await lead(tenantId)];
    await lead(tenantId, { source: 'referral' });
    await eventually(
      async () =>
        (await t.worker.query('SELECT count(*)::int AS n FROM campaign.contacts WHERE tenant_id = $1', [tenantId]))
          .rows[0].n,
      (n) => expect(n).toBe(4),
    );
    const url = `/api/v1/campaign-executions/${campaignId}/plan`;
    const onlyWebsite = { ...plan(), audience: { filter: { status: ['new'], source: ['website_form'] } } };
    expect((await t.app.inject({ method: 'PUT', url, headers, payload: onlyWebsite })).statusCode).toBe(200);
    await campaignEvents(tenantId, campaignId, 'campaign.created', 'campaign.launched');
    const [running] = await eventually(
      async () => (await executions(headers, campaignId)).executions,
      (list) => expect(list).toHaveLength(1),
    );
    expect(running).toMatchObject({ channel: 'email', status: 'running', audienceSize: 3, planVersion: 1 });
    expect(running.progress).toMatchObject({ enrolled: 3, pending: 3, sent: 0 });
    const frozen = await t.app.inject({ method: 'PUT', url, headers, payload: plan() });
    expect(frozen.statusCode).toBe(422);
    expect(frozen.json().details.rule).toBe('plan_frozen');
    const recipients = (
      await t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions/${campaignId}/recipients`, headers })
    ).json();
    expect(recipients.recipients.map((r: { contactId: string }) => r.contactId).sort()).toEqual([...fresh].sort());
    expect(recipients.recipients[0]).toMatchObject({ status: 'active', currentStep: 'promo', sends: [], skips: [] });

    await campaignEvents(tenantId, campaignId, 'campaign.paused');
    await eventually(
      async () => (await executions(headers, campaignId)).executions[0].status,
      (status) => expect(status).toBe('paused'),
    );
    await campaignEvents(tenantId, campaignId, 'campaign.resumed', 'campaign.completed');
    const done = await eventually(
      async () => (await executions(headers, campaignId)).executions[0],
      (execution) => expect(execution.status).toBe('completed'),
    );
    expect(done).toMatchObject({ endReason: 'campaign_completed', progress: { enrolled: 3, pending: 0 } });

    const { rows: events } = await withTransaction(
      t.pool,
      (client) =>
        client.query(`SELECT type FROM "${EVENT_STORE_SCHEMA}".events WHERE tenant_id = $1 ORDER BY global_position`, [
          tenantId,
        ]),
      { tenantId },
    );
    expect(events.map((row) => row.type)).toEqual([
      ...Array(3).fill('campaign.recipient_enrolled'),
      'campaign.execution_started',
      'campaign.execution_paused',
      'campaign.execution_resumed',
      'campaign.execution_completed',
    ]);
    const other = await tenantCaller(t.key);
    const hidden = await t.app.inject({
      method: 'GET',
      url: `/api/v1/campaign-executions/${running.id}`,
      headers: other.headers,
    });
    expect(hidden.statusCode).toBe(404);
  });
});

describe('enrolment', () => {
  it('enrols a person once when a converted lead and its customer share the address: as the customer', async () => {
    const { tenantId, headers } = await tenantCaller(t.key);
    const leadEvents = streamOf(tenantId, [['lead.created']]);
    const customer = streamOf(tenantId, [['customer.created', { leadId: leadEvents[0]!.aggregateId }]]);
    const other = streamOf(tenantId, [['lead.created', contact('ann.other@example.com')]]);
    await publishAll(t, [...leadEvents, ...customer, ...other]);
    await eventually(
      async () =>
        (await t.worker.query('SELECT count(*)::int AS n FROM campaign.contacts WHERE tenant_id = $1', [tenantId]))
          .rows[0].n,
      (n) => expect(n).toBe(3),
    );
    const campaignId = randomUUID();
    const everyone = { ...plan(), audience: { filter: {} } };
    const url = `/api/v1/campaign-executions/${campaignId}/plan`;
    expect((await t.app.inject({ method: 'PUT', url, headers, payload: everyone })).statusCode).toBe(200);
    await campaignEvents(tenantId, campaignId, 'campaign.created', 'campaign.launched');
    const [running] = await eventually(
      async () => (await executions(headers, campaignId)).executions,
      (list) => expect(list).toHaveLength(1),
    );
    expect(running.audienceSize).toBe(2);
    const { recipients } = (
      await t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions/${campaignId}/recipients`, headers })
    ).json();
    expect(recipients.map((r: { contactId: string; kind: string }) => [r.contactId, r.kind]).sort()).toEqual(
      [
        [customer[0]!.aggregateId, 'customer'],
        [other[0]!.aggregateId, 'lead'],
      ].sort(),
    );
  });
});
