import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEventStore } from '@bizosaas/event-store';
import { campaignsFeature } from '../campaigns/campaigns-feature.ts';
import { insertContacts, leadFixture } from '../contacts/contact-fixtures.ts';
import { publishAll, streamOf } from '../contacts/contact-test-events.ts';
import { executionsFeature } from '../executions/executions-feature.ts';
import { EVENT_STORE_SCHEMA } from '../schema.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { abVariantOf } from './ab-split.ts';
import { decideAbTest } from './decide-ab-tests.ts';

// Without a notification client nothing is sent and no dispatcher runs: the test writes the test
// groups' sends itself (as dispatch records them) and runs the decision with its own clock.
let t: TestApp;
let clock = new Date('2026-12-07T09:00:00.000Z');
const now = () => clock;
beforeAll(async () => {
  t = await startTestApp({}, { now, features: [campaignsFeature, executionsFeature] });
});
afterAll(async () => {
  await t?.close();
});

const abTest = {
  variants: [
    { key: 'a', templateKey: 'promo-a' },
    { key: 'b', templateKey: 'promo-b' },
  ],
};
const plan = (test: object = {}) => ({
  audience: { filter: { status: ['new'] } },
  steps: [
    {
      type: 'send',
      id: 'subject',
      channel: 'email',
      templateKey: 'promo',
      abTest: { ...abTest, testShare: 0.5, metric: 'open_rate', waitHours: 2, ...test },
    },
  ],
});

async function launched(leads: number, test: object = {}) {
  const caller = await tenantCaller(t.key);
  const contacts = Array.from({ length: leads }, (_, i) => leadFixture({ email: `lead${i}@example.com` }));
  await insertContacts(t.pool, caller.tenantId, contacts);
  const campaignId = randomUUID();
  const url = `/api/v1/campaign-executions/${campaignId}/plan`;
  const saved = await t.app.inject({ method: 'PUT', url, headers: caller.headers, payload: plan(test) });
  expect(saved.statusCode, saved.body).toBe(200);
  const events = streamOf(caller.tenantId, [['campaign.created'], ['campaign.launched']], campaignId);
  await publishAll(t, events);
  await eventually(
    async () => (await enrolments(caller.tenantId, campaignId)).length,
    (n) => expect(n).toBe(leads),
  );
  return { ...caller, campaignId };
}

const enrolments = async (tenantId: string, campaignId: string) =>
  (
    await t.worker.query<{ contactId: string; variant: string; dueAt: Date | null }>(
      `SELECT contact_id AS "contactId", variant, due_at AS "dueAt" FROM campaign.enrolments
       WHERE tenant_id = $1 AND campaign_id = $2`,
      [tenantId, campaignId],
    )
  ).rows;

const storedEvents = (tenantId: string, type: string) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query(
          `SELECT aggregate_id AS "aggregateId", version, data FROM "${EVENT_STORE_SCHEMA}".events
           WHERE tenant_id = $1 AND type = $2 ORDER BY global_position`,
          [tenantId, type],
        )
      ).rows,
    { tenantId },
  );

describe('A/B plans', () => {
  it('refuse a second A/B step, the key rest, repeated keys and a test share past one half', async () => {
    const { headers } = await tenantCaller(t.key);
    const url = `/api/v1/campaign-executions/${randomUUID()}/plan`;
    const put = async (payload: object) => {
      const res = await t.app.inject({ method: 'PUT', url, headers, payload });
      expect(res.statusCode).toBe(400);
      return JSON.stringify(res.json().details);
    };
    const twice = plan();
    twice.steps.push({ ...twice.steps[0]!, id: 'again' });
    expect(await put(twice)).toContain('one A/B test step at most');
    const rest = { variants: [{ key: 'rest', templateKey: 'x' }, abTest.variants[1]] };
    expect(await put(plan(rest))).toContain('rest names the recipients outside the test');
    expect(await put(plan({ variants: [abTest.variants[0], abTest.variants[0]] }))).toContain('distinct');
    expect(await put(plan({ testShare: 0.6 }))).toContain('testShare');
  });
});

describe('A/B enrolment', () => {
  it('gives every recipient the variant of its keyed hash, about testShare of them in the test', async () => {
    const { tenantId, campaignId } = await launched(400);
    const rows = await enrolments(tenantId, campaignId);
    const test = { ...abTest, testShare: 0.5 };
    expect(rows.map((row) => row.variant)).toEqual(rows.map((row) => abVariantOf(campaignId, row.contactId, test)));
    const tested = rows.filter((row) => row.variant !== 'rest');
    // Binomial(400, 0.5): sd 10.
    expect(tested.length).toBeGreaterThan(150);
    expect(tested.length).toBeLessThan(250);
    expect(new Set(tested.map((row) => row.variant))).toEqual(new Set(['a', 'b']));
    const enrolled = await storedEvents(tenantId, 'campaign.recipient_enrolled');
    expect(Object.fromEntries(enrolled.map((e) => [e.data.recipient.id, e.data.variant]))).toEqual(
      Object.fromEntries(rows.map((row) => [row.contactId, row.variant])),
    );
  });
});

/** The test groups' sends as dispatch records them (those of `openedBy` opened), and the rest parked at the step. */
async function sendTestGroups(tenantId: string, campaignId: string, openedBy: string[], at: Date) {
  await withTransaction(
    t.pool,
    async (client) => {
      await client.query(
        `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, variant, marketing, state,
           reserved_at, accepted_at, opened_at)
         SELECT tenant_id, campaign_id, 'subject', contact_id, 'email', 'promo-' || variant, variant, true, 'accepted',
           $3, $3, CASE WHEN variant = ANY($4) THEN $3::timestamptz + interval '10 minutes' END
         FROM enrolments WHERE tenant_id = $1 AND campaign_id = $2 AND variant <> 'rest'`,
        [tenantId, campaignId, at, openedBy],
      );
      await client.query(
        `UPDATE enrolments SET status = CASE WHEN variant = 'rest' THEN 'active' ELSE 'done' END,
           step_index = CASE WHEN variant = 'rest' THEN 0 ELSE 1 END,
           due_at = CASE WHEN variant = 'rest' THEN $3::timestamptz + interval '1 day' END
         WHERE tenant_id = $1 AND campaign_id = $2`,
        [tenantId, campaignId, at],
      );
    },
    { tenantId },
  );
}

describe('A/B decision', () => {
  it('chooses the best open rate once, waitHours after the last test send, and makes the rest due', async () => {
    clock = new Date('2026-12-07T09:00:00.000Z');
    const { tenantId, headers, campaignId } = await launched(80);
    const deps = { pool: t.pool, worker: t.worker, store: createEventStore({ schema: EVENT_STORE_SCHEMA }), now };
    const abTests = async (caller = headers) =>
      t.app.inject({ method: 'GET', url: `/api/v1/campaign-executions/${campaignId}/ab-tests`, headers: caller });
    // The test groups have not been sent yet: nothing to decide.
    expect(await decideAbTest(deps, tenantId, campaignId)).toBeUndefined();
    await sendTestGroups(tenantId, campaignId, ['b'], new Date('2026-12-07T09:05:00.000Z'));
    clock = new Date('2026-12-07T11:04:59.000Z');
    expect(await decideAbTest(deps, tenantId, campaignId)).toBeUndefined();
    const rows = await enrolments(tenantId, campaignId);
    const size = (variant: string) => rows.filter((row) => row.variant === variant).length;
    const variants = [
      { variant: 'a', recipients: size('a'), successes: 0, rate: '0.0000' },
      { variant: 'b', recipients: size('b'), successes: size('b'), rate: '1.0000' },
    ];
    const testing = await abTests();
    expect(testing.statusCode, testing.body).toBe(200);
    expect(testing.json().abTests).toEqual([
      expect.objectContaining({ stepId: 'subject', status: 'testing', winner: null, decidedAt: null }),
    ]);
    expect(testing.json().abTests[0].variants).toEqual(
      variants.map((v) => ({ ...v, templateKey: `promo-${v.variant}` })),
    );

    clock = new Date('2026-12-07T11:05:00.000Z');
    const outcome = await decideAbTest(deps, tenantId, campaignId);
    expect(outcome).toMatchObject({ winner: 'b', variants });
    expect(outcome!.pValue).toBeLessThan(0.001);
    expect(await decideAbTest(deps, tenantId, campaignId)).toBeUndefined();

    const selected = await storedEvents(tenantId, 'campaign.ab_winner_selected');
    expect(selected).toHaveLength(1);
    expect(selected[0].data).toEqual({
      campaignId,
      stepId: 'subject',
      metric: 'open_rate',
      winner: 'b',
      variants,
      pValue: outcome!.pValue,
    });
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/v1/campaign-executions?campaignId=${campaignId}`,
      headers,
    });
    expect(listed.json().executions[0]).toMatchObject({ id: selected[0].aggregateId, version: selected[0].version });
    const rest = (await enrolments(tenantId, campaignId)).filter((row) => row.variant === 'rest');
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.map((row) => row.dueAt)).toEqual(rest.map(() => clock));
    const decided = (await abTests()).json().abTests[0];
    expect(decided).toMatchObject({
      status: 'decided',
      winner: 'b',
      pValue: outcome!.pValue,
      decidedAt: clock.toISOString(),
    });
    const other = await tenantCaller(t.key);
    expect((await abTests(other.headers)).statusCode).toBe(404);
  });
});

describe('A/B counts', () => {
  it('count a conversion only after the send, and neither the rest nor suppressed sends', async () => {
    const { tenantId, headers, campaignId } = await launched(60, { metric: 'conversion_rate', waitHours: 48 });
    const sentAt = new Date('2026-12-07T09:05:00.000Z');
    await sendTestGroups(tenantId, campaignId, [], sentAt);
    const rows = await enrolments(tenantId, campaignId);
    const [a, b] = (['a', 'b'] as const).map((v) =>
      rows.filter((row) => row.variant === v).map((row) => row.contactId),
    );
    const rest = rows.filter((row) => row.variant === 'rest').map((row) => row.contactId);
    await withTransaction(
      t.pool,
      async (client) => {
        const convert = (ids: string[], at: string) =>
          client.query('UPDATE enrolments SET converted_at = $3 WHERE tenant_id = $1 AND contact_id = ANY($2)', [
            tenantId,
            ids,
            at,
          ]);
        // Two of a converted after their send, one of b before it; a rest recipient sent the winner converted too.
        await convert(a!.slice(0, 2), '2026-12-07T10:00:00.000Z');
        await convert(b!.slice(0, 1), '2026-12-07T09:00:00.000Z');
        await client.query(
          `INSERT INTO sends (tenant_id, campaign_id, step_id, contact_id, channel, template_key, variant, marketing, state, reserved_at, accepted_at)
           VALUES ($1, $2, 'subject', $3, 'email', 'promo-b', 'b', true, 'accepted', $4, $4)`,
          [tenantId, campaignId, rest[0], sentAt],
        );
        await convert(rest.slice(0, 1), '2026-12-07T10:00:00.000Z');
        await client.query(
          `UPDATE sends SET message_status = 'suppressed' WHERE tenant_id = $1 AND campaign_id = $2 AND contact_id = $3`,
          [tenantId, campaignId, b![1]],
        );
      },
      { tenantId },
    );
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/campaign-executions/${campaignId}/ab-tests`,
      headers,
    });
    expect(res.json().abTests[0]).toMatchObject({ metric: 'conversion_rate', status: 'testing', winner: null });
    expect(res.json().abTests[0].variants).toEqual([
      expect.objectContaining({ variant: 'a', recipients: a!.length, successes: 2 }),
      expect.objectContaining({ variant: 'b', recipients: b!.length - 1, successes: 0 }),
    ]);
  });
});
