import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEvent, type Actor } from '@bizosaas/event-schemas';
import { DEFAULT_RULES, withDefaults } from './default-rules.ts';
import { planEventTriggers } from './plan-event-triggers.ts';
import type { Rule } from './rule.ts';

const tenantId = randomUUID();
const userActor: Actor = { type: 'user', id: randomUUID() };

const churn = (previousChurnRisk: number, newChurnRisk: number, actor: Actor = userActor) =>
  createEvent({
    type: 'customer.churn_risk_updated',
    tenantId,
    actor,
    aggregateId: randomUUID(),
    data: {
      previousChurnRisk,
      newChurnRisk,
      factors: { recency: 90, frequency: 80, value: 50 },
      assessedAt: '2026-01-01T00:00:00.000Z',
    },
  });

const reportId = randomUUID();
const reportReady = (requestedBy: string | null) =>
  createEvent({
    type: 'analytics.report_ready',
    tenantId,
    // As analytics builds it: the service acts, the asker is in the data.
    actor: { type: 'service', id: 'analytics' },
    aggregateId: reportId,
    data: {
      reportId,
      name: 'Leads created last week',
      kind: 'events',
      rows: 42,
      requestedBy,
      downloadPath: `/api/v1/analytics/reports/${reportId}/download`,
    },
  });

const tenantRule = (overrides: Partial<Rule>): Rule => ({
  id: randomUUID(),
  eventType: 'customer.churn_risk_updated',
  templateKey: 'churn-risk',
  recipient: { type: 'actor' },
  channels: null,
  when: null,
  enabled: true,
  builtIn: false,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('planEventTriggers', () => {
  it('sends the default churn rule to the actor once the risk rises into the high band', () => {
    const event = churn(40, 85);
    const [planned] = planEventTriggers(event, withDefaults([]));
    expect(planned).toMatchObject({
      outcome: 'trigger',
      rule: { id: '00000000-0000-4000-8000-00000000a006', builtIn: true },
      input: {
        templateKey: 'churn-risk',
        to: [{ userId: userActor.id }],
        transactionId: `event:${event.id}:00000000-0000-4000-8000-00000000a006`,
        data: {
          newChurnRisk: 85,
          event: { type: event.type, id: event.id, occurredAt: event.occurredAt, aggregateId: event.aggregateId },
        },
      },
    });
    expect(planned).not.toHaveProperty('input.channels');
  });

  it('skips the churn rule below the band and inside it', () => {
    expect(planEventTriggers(churn(40, 69), withDefaults([]))).toMatchObject([
      { outcome: 'skipped', reason: 'condition' },
    ]);
    expect(planEventTriggers(churn(75, 90), withDefaults([]))).toMatchObject([
      { outcome: 'skipped', reason: 'condition' },
    ]);
  });

  it('skips an actor rule when a service caused the event', () => {
    const planned = planEventTriggers(churn(40, 85, { type: 'service', id: 'domain-repository' }), withDefaults([]));
    expect(planned).toMatchObject([{ outcome: 'skipped', reason: 'no_recipient' }]);
  });

  it("uses the tenant's rule instead of the default with the same key, and drops disabled rules", () => {
    const replacing = tenantRule({ recipient: { type: 'email', email: 'ops@example.com' }, channels: ['email'] });
    const other = tenantRule({ templateKey: 'churn-audit', enabled: false });
    const planned = planEventTriggers(churn(40, 85), withDefaults([replacing, other]));
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({
      rule: { id: replacing.id },
      input: { to: [{ email: 'ops@example.com' }], channels: ['email'] },
    });
    const disabled = tenantRule({ enabled: false });
    expect(planEventTriggers(churn(40, 85), withDefaults([disabled]))).toEqual([]);
  });

  it('sends the welcome to the new user (the aggregate), not to whoever created it', () => {
    const userId = randomUUID();
    const event = createEvent({
      type: 'user.created',
      tenantId,
      actor: { type: 'service', id: 'user-management' },
      aggregateId: userId,
      data: { email: 'new@example.com', firstName: null, lastName: null, roles: ['member'], status: 'invited' },
    });
    expect(planEventTriggers(event, withDefaults([]))).toMatchObject([
      { outcome: 'trigger', input: { templateKey: 'welcome', to: [{ userId }] } },
    ]);
  });

  it('sends a ready report to the user who asked for it, not to the service that built it', () => {
    const requestedBy = randomUUID();
    const event = reportReady(requestedBy);
    expect(planEventTriggers(event, withDefaults([]))).toMatchObject([
      {
        outcome: 'trigger',
        rule: { id: '00000000-0000-4000-8000-00000000a009', builtIn: true },
        input: {
          templateKey: 'report-ready',
          to: [{ userId: requestedBy }],
          data: { name: 'Leads created last week', downloadPath: `/api/v1/analytics/reports/${reportId}/download` },
          transactionId: `event:${event.id}:00000000-0000-4000-8000-00000000a009`,
        },
      },
    ]);
  });

  it('skips a ready report nobody asked for (a scheduled one)', () => {
    expect(planEventTriggers(reportReady(null), withDefaults([]))).toMatchObject([
      { outcome: 'skipped', reason: 'no_recipient' },
    ]);
  });

  it('skips a data_user rule whose field is missing or holds no user id', () => {
    const rule = (field: string) =>
      tenantRule({ eventType: 'analytics.report_ready', templateKey: field, recipient: { type: 'data_user', field } });
    const planned = planEventTriggers(reportReady(randomUUID()), [rule('requestedBy.id'), rule('name'), rule('owner')]);
    expect(planned.map((each) => each.outcome === 'skipped' && each.reason)).toEqual([
      'no_recipient',
      'no_recipient',
      'no_recipient',
    ]);
  });

  it('has one default per event type a rule may name', () => {
    expect(new Set(DEFAULT_RULES.map((rule) => rule.eventType)).size).toBe(DEFAULT_RULES.length);
    expect(new Set(DEFAULT_RULES.map((rule) => rule.id)).size).toBe(DEFAULT_RULES.length);
  });
});
