import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { insertContacts, leadFixture } from '../contacts/contact-fixtures.ts';
import { givenCampaign } from '../spend/spend-test-support.ts';
import { expect, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import {
  insertEnrolment,
  insertManyLeads,
  insertSends,
  insertSpend,
  rowCounts,
  savePlanRow,
  setCap,
} from './simulate-fixtures.ts';
import { simulateFeature } from './simulate.route.ts';

const NOW = new Date('2026-12-07T09:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const SEALED = 'enc:v1:1:c2VhbGVkIGFkZHJlc3M=';
const BUDGET = { totalBudget: '1000.00', dailyBudget: '50.00', startDate: '2026-12-01T00:00:00.000Z' };
const AUDIENCE = { filter: { status: ['new'] }, reentryCooldownDays: 7 };
const email = (id: string) => ({ type: 'send', id, channel: 'email', templateKey: id });
const STEPS = [email('promo'), { type: 'wait', id: 'pause', hours: 24 }, email('reminder')];

describe('what-if replay of a plan', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { now: () => NOW, features: [simulateFeature] });
  });
  afterAll(async () => t?.close());

  const simulate = (headers: Record<string, string>, campaignId: string, payload: object = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/campaign-executions/${campaignId}/simulate`, headers, payload });

  /**
   * A tenant capped at 2 marketing messages per 7 days, with a saved two-email plan for new leads:
   * free has no history, once got one message yesterday, twice got two this week, sealed has no
   * plain address, recent entered another campaign 3 days ago, and one lead is qualified.
   */
  async function givenHistory() {
    const caller = await tenantCaller(t.key);
    const { tenantId } = caller;
    const campaignId = await givenCampaign(t, tenantId, BUDGET);
    const [free, once, twice, sealed, recent] = [0, 1, 2, 3, 4].map(() => leadFixture());
    sealed!.email = SEALED;
    await insertContacts(t.pool, tenantId, [
      free!,
      once!,
      twice!,
      sealed!,
      recent!,
      leadFixture({ status: 'qualified' }),
    ]);
    const other = randomUUID();
    await insertSends(t.pool, tenantId, [
      { campaignId: other, contactId: once!.contactId, reservedAt: ago(1), openedAt: ago(0.5) },
      { campaignId: other, contactId: twice!.contactId, reservedAt: ago(2) },
      { campaignId: randomUUID(), contactId: twice!.contactId, reservedAt: ago(3) },
      { campaignId: randomUUID(), contactId: free!.contactId, reservedAt: ago(1), marketing: false },
    ]);
    await insertEnrolment(t.pool, tenantId, other, recent!.contactId, ago(3));
    await setCap(t.pool, tenantId, 2, 7);
    await savePlanRow(t.pool, tenantId, campaignId, AUDIENCE, STEPS);
    return { caller, campaignId, contacts: { free: free!, once: once!, twice: twice!, sealed: sealed! } };
  }

  it('counts who would be reached, capped and skipped against the recorded history, and writes nothing', async () => {
    const { caller, campaignId, contacts } = await givenHistory();
    // Another tenant's contact of the same id with recent sends counts for nothing here.
    const stranger = await tenantCaller(t.key);
    await insertContacts(t.pool, stranger.tenantId, [leadFixture({ contactId: contacts.free.contactId })]);
    await insertSends(t.pool, stranger.tenantId, [
      { campaignId: randomUUID(), contactId: contacts.free.contactId, reservedAt: ago(1) },
      { campaignId: randomUUID(), contactId: contacts.free.contactId, reservedAt: ago(2) },
    ]);
    const before = await rowCounts(t.pool, caller.tenantId);
    const response = await simulate(caller.headers, campaignId, { horizonDays: 10 });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    expect(report).toMatchObject({
      audience: 5,
      skippedReentry: 1,
      reached: 2,
      messages: 3,
      byStep: [
        { stepId: 'promo', wouldSend: 2, capped: 1, noAddress: 1, noConsent: 0 },
        { stepId: 'reminder', wouldSend: 1, capped: 2, noAddress: 1, noConsent: 0 },
      ],
      projectedSpend: { amount: '500.00', currency: 'USD' },
    });
    const journeys = new Map(report.sample.map((j: { contactId: string }) => [j.contactId, j]));
    expect(report.sample).toHaveLength(4);
    expect(journeys.get(contacts.free.contactId)).toEqual({
      contactId: contacts.free.contactId,
      path: ['promo', 'reminder'],
      skipped: [],
    });
    expect(journeys.get(contacts.twice.contactId)).toMatchObject({
      path: [],
      skipped: [
        { stepId: 'promo', reason: 'capped' },
        { stepId: 'reminder', reason: 'capped' },
      ],
    });
    expect(await rowCounts(t.pool, caller.tenantId)).toEqual(before);
  });

  it("replays a changed plan: a branch on opened follows each recipient's recorded opens", async () => {
    const { caller, campaignId, contacts } = await givenHistory();
    const plan = {
      audience: { filter: { status: ['new'] } },
      steps: [
        email('promo'),
        { type: 'branch', id: 'opened', on: 'opened', withinHours: 48, then: 'thanks', otherwise: 'nudge' },
        { ...email('thanks'), category: 'transactional' },
        { type: 'branch', id: 'end', on: 'opened', withinHours: 0, then: null, otherwise: null },
        email('nudge'),
      ],
    };
    const response = await simulate(caller.headers, campaignId, { plan, from: NOW.toISOString(), horizonDays: 1 });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json();
    // No cooldown in this plan: recent enters too. Only once opened lately; nudges wait 48 h, past the horizon.
    expect(report).toMatchObject({ audience: 5, skippedReentry: 0, reached: 3, messages: 4 });
    const journeys = new Map(report.sample.map((j: { contactId: string; path: string[] }) => [j.contactId, j.path]));
    expect(journeys.get(contacts.once.contactId)).toEqual(['promo', 'thanks']);
    expect(journeys.get(contacts.free.contactId)).toEqual(['promo']);
    const longer = (await simulate(caller.headers, campaignId, { plan, horizonDays: 3 })).json();
    expect(longer.byStep).toEqual([
      { stepId: 'promo', wouldSend: 3, capped: 1, noAddress: 1, noConsent: 0 },
      { stepId: 'thanks', wouldSend: 1, capped: 0, noAddress: 0, noConsent: 0 },
      { stepId: 'nudge', wouldSend: 2, capped: 1, noAddress: 1, noConsent: 0 },
    ]);
  });

  it("projects spend from the ledger's average when it has one", async () => {
    const caller = await tenantCaller(t.key);
    const budget = { totalBudget: '10000.00', dailyBudget: null, endDate: '2026-12-16T00:00:00.000Z' };
    const campaignId = await givenCampaign(t, caller.tenantId, budget);
    await insertSpend(t.pool, caller.tenantId, campaignId, '2026-12-01', '100.00');
    await insertSpend(t.pool, caller.tenantId, campaignId, '2026-12-06', '200.00');
    const response = await simulate(caller.headers, campaignId, { plan: { audience: AUDIENCE, steps: STEPS } });
    expect(response.statusCode, response.body).toBe(200);
    // 300 over 6 days is 50 a day, for the 10 days from 7 to 16 December.
    expect(response.json()).toMatchObject({ audience: 0, reached: 0, projectedSpend: { amount: '500.00' } });
  });

  it('walks 10,000 recipients, counting the cap against their recorded sends', async () => {
    const caller = await tenantCaller(t.key);
    const campaignId = await givenCampaign(t, caller.tenantId, BUDGET);
    const ids = await insertManyLeads(t.pool, caller.tenantId, 10_000);
    const other = randomUUID();
    await insertSends(
      t.pool,
      caller.tenantId,
      ids.slice(0, 4_000).map((contactId) => ({ campaignId: other, contactId, reservedAt: ago(1) })),
    );
    await setCap(t.pool, caller.tenantId, 1, 7);
    const response = await simulate(caller.headers, campaignId, { plan: { audience: AUDIENCE, steps: STEPS } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      audience: 10_000,
      reached: 6_000,
      messages: 6_000,
      byStep: [
        { stepId: 'promo', wouldSend: 6_000, capped: 4_000, noAddress: 0, noConsent: 0 },
        { stepId: 'reminder', wouldSend: 0, capped: 10_000, noAddress: 0, noConsent: 0 },
      ],
    });
    expect(response.json().sample).toHaveLength(20);
  });

  it('answers 404 for another tenant, names unknown fields, lets a viewer read and refuses no token', async () => {
    const { caller, campaignId } = await givenHistory();
    const stranger = await tenantCaller(t.key);
    const hidden = await simulate(stranger.headers, campaignId);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error).toBe('NOT_FOUND');
    const unknown = await simulate(caller.headers, campaignId, { horizonDays: 5, speed: 2 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues).toEqual([expect.objectContaining({ path: 'speed' })]);
    const saved = { audience: AUDIENCE, steps: STEPS, expectedVersion: 1 };
    const versioned = await simulate(caller.headers, campaignId, { plan: saved, horizonDays: 91 });
    const paths = versioned.json().details.issues.map((issue: { path: string }) => issue.path);
    expect(paths.sort()).toEqual(['horizonDays', 'plan.expectedVersion']);
    const viewer = await tenantCaller(t.key, ['viewer'], caller.tenantId);
    expect((await simulate(viewer.headers, campaignId)).statusCode).toBe(200);
    expect((await simulate({}, campaignId)).statusCode).toBe(401);
  });
});
