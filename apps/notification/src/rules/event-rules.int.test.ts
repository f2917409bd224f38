import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent, type Actor, type EventEnvelope } from '@bizosaas/event-schemas';
import { createPublisher, eventStreamKey, type Publisher } from '@bizosaas/messaging';
import { deleteNamespace, testRedis, uniqueNamespace } from '@bizosaas/messaging/testing';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { EVENT_RULES_GROUP, eventRulesFeature } from './event-rules.ts';
import type { Rule } from './rule.ts';
import { rulesFeature } from './rules.routes.ts';

const namespace = uniqueNamespace('notification-rules');
let t: TestApp;
let publisher: Publisher;
beforeAll(async () => {
  t = await startTestApp({}, { features: [rulesFeature, eventRulesFeature({ namespace })] });
  publisher = createPublisher({ redis: t.redis, namespace });
});
afterAll(async () => {
  await t?.close();
  // After the consumer stopped (it would recreate its groups' streams); the app's connection is closed.
  const redis = testRedis('notification-rules-cleanup');
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

const defaultRule = (eventType: string) => DEFAULT_RULES.find((rule) => rule.eventType === eventType)!;

async function addTemplate(tenantId: string, key: string, channel: 'email' | 'in_app', body: string) {
  await withTransaction(
    t.pool,
    (client) =>
      client.query(
        `INSERT INTO notification.templates (id, tenant_id, key, channel, locale, category, critical, enabled_by_default,
           subject, body, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'en', 'updates', false, true, $5, $6, 1, now(), now())`,
        [randomUUID(), tenantId, key, channel, channel === 'email' ? 'Hello' : null, body],
      ),
    { tenantId },
  );
}

interface SentMessage {
  id: string;
  channel: string;
  template_key: string;
  user_id: string | null;
  address: string | null;
  body: string;
  correlation_id: string;
  trigger: { source: string; eventId?: string; eventType?: string; ruleId?: string };
}

/** The messages an event triggered, with the trigger their notification.requested event records. */
const messagesOf = (event: EventEnvelope) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<SentMessage>(
          `SELECT m.id, m.channel, m.template_key, m.user_id, m.address, m.body, m.correlation_id, e.data->'trigger' AS trigger
           FROM notification.messages m
           JOIN notification_event_store.events e ON e.stream_id = 'notification-' || m.id AND e.type = 'notification.requested'
           WHERE e.data->'trigger'->>'eventId' = $1 ORDER BY m.template_key`,
          [event.id],
        )
      ).rows,
    { tenantId: event.tenantId },
  );

const publishAll = async (...events: EventEnvelope[]) => {
  for (const event of events) await publisher.publish(event);
};

/** Entries of the group not yet acknowledged on an aggregate type's stream. */
const pending = async (aggregateType: string) =>
  ((await t.redis.xpending(eventStreamKey(aggregateType, namespace), EVENT_RULES_GROUP)) as [number])[0];

function userCreated(tenantId: string, email: string, actor: Actor = { type: 'service', id: 'user-management' }) {
  return createEvent({
    type: 'user.created',
    tenantId,
    actor,
    aggregateId: randomUUID(),
    data: { email, firstName: 'Jane', lastName: 'Doe', roles: ['member'], status: 'active' },
  });
}

function leadConverted(tenantId: string, actor: Actor, currency: string, replay = false) {
  return createEvent({
    type: 'lead.converted',
    tenantId,
    actor,
    aggregateId: randomUUID(),
    data: { customerId: randomUUID(), conversionValue: '5000.00', currency },
    ...(replay && { metadata: { replay } }),
  });
}

function churnUpdated(tenantId: string, actor: Actor, previousChurnRisk: number, newChurnRisk: number) {
  return createEvent({
    type: 'customer.churn_risk_updated',
    tenantId,
    actor,
    aggregateId: randomUUID(),
    data: {
      previousChurnRisk,
      newChurnRisk,
      factors: { recency: 90, frequency: 80, value: 40 },
      assessedAt: '2026-01-01T00:00:00.000Z',
    },
  });
}

describe('event rules', () => {
  it('welcomes a new user at the address the directory learned from the same event, once', async () => {
    const tenantId = randomUUID();
    await addTemplate(
      tenantId,
      'welcome',
      'email',
      'Welcome {{ firstName }} ({{ event.type }} {{ event.aggregateId }})',
    );
    const created = userCreated(tenantId, 'jane@example.com');
    await publishAll(created);
    const [message] = await eventually(
      () => messagesOf(created),
      (rows) => expect(rows).toHaveLength(1),
    );
    expect(message).toMatchObject({
      channel: 'email',
      template_key: 'welcome',
      user_id: created.aggregateId,
      address: 'jane@example.com',
      body: `Welcome Jane (user.created ${created.aggregateId})`,
      correlation_id: created.correlationId,
      trigger: {
        source: 'event',
        eventId: created.id,
        eventType: 'user.created',
        ruleId: defaultRule('user.created').id,
      },
    });

    // The same event again (a publisher's retry), then another: once that one is handled, so is the repeat.
    const next = userCreated(tenantId, 'john@example.com');
    await publishAll(created, next);
    await eventually(
      () => messagesOf(next),
      (rows) => expect(rows).toHaveLength(1),
    );
    expect(await messagesOf(created)).toHaveLength(1);
    await eventually(
      () => pending('user'),
      (count) => expect(count).toBe(0),
    );
  });

  it('sends to the user who acted, and skips an actor rule when a service acted', async () => {
    const tenantId = randomUUID();
    await addTemplate(tenantId, 'churn-risk', 'in_app', 'Churn risk {{ newChurnRisk }}');
    const user: Actor = { type: 'user', id: randomUUID() };
    const byService = churnUpdated(tenantId, { type: 'service', id: 'domain-repository' }, 30, 80);
    const byUser = churnUpdated(tenantId, user, 30, 80);
    await publishAll(byService, byUser);
    await eventually(
      () => messagesOf(byUser),
      (rows) =>
        expect(rows).toMatchObject([
          {
            channel: 'in_app',
            user_id: user.id,
            body: 'Churn risk 80',
            trigger: { ruleId: defaultRule('customer.churn_risk_updated').id },
          },
        ]),
    );
    expect(await messagesOf(byService)).toEqual([]);
  });

  it('sends only when the conditions hold: the default churn band and a tenant rule’s own', async () => {
    const admin = await tenantCaller(t.key);
    const tenantId = admin.tenantId;
    const actor: Actor = { type: 'user', id: admin.userId };
    await addTemplate(tenantId, 'churn-risk', 'in_app', 'Churn risk {{ newChurnRisk }}');
    await addTemplate(tenantId, 'euro-deal', 'in_app', 'Deal in {{ currency }}');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/rules',
      headers: admin.headers,
      payload: {
        eventType: 'lead.converted',
        templateKey: 'euro-deal',
        recipient: { type: 'actor' },
        when: [{ field: 'currency', in: ['EUR'] }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json<Rule>();

    const withinBand = churnUpdated(tenantId, actor, 75, 90);
    const belowBand = churnUpdated(tenantId, actor, 20, 60);
    const intoBand = churnUpdated(tenantId, actor, 60, 70);
    const dollars = leadConverted(tenantId, actor, 'USD');
    const replayed = leadConverted(tenantId, actor, 'EUR', true);
    const euros = leadConverted(tenantId, actor, 'EUR');
    await publishAll(withinBand, belowBand, intoBand, dollars, replayed, euros);

    await eventually(
      () => messagesOf(intoBand),
      (rows) => expect(rows).toMatchObject([{ body: 'Churn risk 70' }]),
    );
    expect(await messagesOf(withinBand)).toEqual([]);
    expect(await messagesOf(belowBand)).toEqual([]);
    // The default lead-converted rule has no template in this tenant: skipped, the delivery still succeeds.
    await eventually(
      () => messagesOf(euros),
      (rows) => expect(rows).toMatchObject([{ template_key: 'euro-deal', trigger: { ruleId: rule.id } }]),
    );
    expect(await messagesOf(dollars)).toEqual([]);
    // History replayed to the group sends nothing.
    expect(await messagesOf(replayed)).toEqual([]);
    await eventually(
      () => pending('lead'),
      (count) => expect(count).toBe(0),
    );
  });

  it('sends nothing for a rule the tenant switched off', async () => {
    const admin = await tenantCaller(t.key);
    await addTemplate(admin.tenantId, 'welcome', 'in_app', 'Welcome');
    const off = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/notifications/rules/${defaultRule('user.created').id}`,
      headers: admin.headers,
      payload: {
        eventType: 'user.created',
        templateKey: 'welcome',
        recipient: { type: 'subject_user' },
        enabled: false,
      },
    });
    expect(off.statusCode, off.body).toBe(200);
    await addTemplate(admin.tenantId, 'user-audit', 'in_app', 'New user {{ event.aggregateId }}');
    const audit = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/rules',
      headers: admin.headers,
      payload: {
        eventType: 'user.created',
        templateKey: 'user-audit',
        recipient: { type: 'user', userId: admin.userId },
      },
    });
    expect(audit.statusCode, audit.body).toBe(201);
    const created = userCreated(admin.tenantId, 'quiet@example.com');
    await publishAll(created);
    await eventually(
      () => messagesOf(created),
      (rows) => expect(rows).toMatchObject([{ template_key: 'user-audit', user_id: admin.userId }]),
    );
  });
});
