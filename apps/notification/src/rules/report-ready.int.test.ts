import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { createEvent, type EventEnvelope } from '@bizosaas/event-schemas';
import { createPublisher, eventStreamKey, type Publisher } from '@bizosaas/messaging';
import { deleteNamespace, testRedis, uniqueNamespace } from '@bizosaas/messaging/testing';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { eventually, startTestApp, type TestApp } from '../test-support.ts';
import { DEFAULT_RULES } from './default-rules.ts';
import { EVENT_RULES_GROUP, eventRulesFeature } from './event-rules.ts';

// analytics.report_ready, as analytics announces it, through the rules consumer, the directory
// and the dispatcher to a real SMTP server.
const namespace = uniqueNamespace('notification-report-ready');
let smtp: AcceptingSmtp;
let t: TestApp;
let publisher: Publisher;
beforeAll(async () => {
  smtp = await startAcceptingSmtp();
  t = await startTestApp({ SMTP_URLS: smtp.url }, { features: [eventRulesFeature({ namespace })] });
  publisher = createPublisher({ redis: t.redis, namespace });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  // After the consumer stopped (it would recreate its groups' streams); the app's connection is closed.
  const redis = testRedis('notification-report-ready-cleanup');
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

const reportRule = DEFAULT_RULES.find((rule) => rule.eventType === 'analytics.report_ready')!;

async function addEmailTemplate(tenantId: string, key: string, subject: string, body: string) {
  await withTransaction(
    t.pool,
    (client) =>
      client.query(
        `INSERT INTO notification.templates (id, tenant_id, key, channel, locale, category, critical, enabled_by_default,
           subject, body, version, created_at, updated_at)
         VALUES ($1, $2, $3, 'email', 'en', 'updates', false, true, $4, $5, 1, now(), now())`,
        [randomUUID(), tenantId, key, subject, body],
      ),
    { tenantId },
  );
}

interface SentMessage {
  channel: string;
  template_key: string;
  user_id: string | null;
  address: string | null;
  status: string;
  trigger: { source: string; eventId?: string; eventType?: string; ruleId?: string };
}

/** The messages an event triggered, with the trigger their notification.requested event records. */
const messagesOf = (event: EventEnvelope) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<SentMessage>(
          `SELECT m.channel, m.template_key, m.user_id, m.address, m.status, e.data->'trigger' AS trigger
           FROM notification.messages m
           JOIN notification_event_store.events e ON e.stream_id = 'notification-' || m.id AND e.type = 'notification.requested'
           WHERE e.data->'trigger'->>'eventId' = $1`,
          [event.id],
        )
      ).rows,
    { tenantId: event.tenantId },
  );

const directoryHas = (tenantId: string, userId: string) =>
  withTransaction(
    t.pool,
    async (client) =>
      (await client.query('SELECT 1 FROM notification.recipients WHERE user_id = $1', [userId])).rowCount,
    { tenantId },
  );

const publishAll = async (...events: EventEnvelope[]) => {
  for (const event of events) await publisher.publish(event);
};

function userCreated(tenantId: string, userId: string, email: string) {
  return createEvent({
    type: 'user.created',
    tenantId,
    actor: { type: 'service', id: 'user-management' },
    aggregateId: userId,
    data: { email, firstName: 'Ada', lastName: 'Lovelace', roles: ['member'], status: 'active' },
  });
}

/** As analytics' markReady builds it: the service is the actor, the asker is in the data. */
function reportReady(tenantId: string, requestedBy: string | null, name: string) {
  const reportId = randomUUID();
  return createEvent({
    type: 'analytics.report_ready',
    tenantId,
    actor: { type: 'service', id: 'analytics' },
    aggregateId: reportId,
    aggregateVersion: 1,
    data: {
      reportId,
      name,
      kind: 'events',
      rows: 42,
      requestedBy,
      downloadPath: `/api/v1/analytics/reports/${reportId}/download`,
    },
  });
}

describe('a ready analytics report', () => {
  it('emails the user who asked for it once, and nobody for a scheduled report', async () => {
    const tenantId = randomUUID();
    const userId = randomUUID();
    const address = `asker.${userId.slice(0, 8)}@example.com`;
    await addEmailTemplate(
      tenantId,
      'report-ready',
      'Your report {{ name }} is ready',
      '<p>{{ name }}: download it at {{ downloadPath }}</p>',
    );
    // The directory learns the asker's address from user-management's event first.
    await publishAll(userCreated(tenantId, userId, address));
    await eventually(
      () => directoryHas(tenantId, userId),
      (count) => expect(count).toBe(1),
    );

    const scheduled = reportReady(tenantId, null, 'Nightly KPIs');
    const ready = reportReady(tenantId, userId, 'Leads created last week');
    await publishAll(scheduled, ready);
    await eventually(
      () => messagesOf(ready),
      (rows) =>
        expect(rows).toMatchObject([
          {
            channel: 'email',
            template_key: 'report-ready',
            user_id: userId,
            address,
            status: 'sent',
            trigger: { source: 'event', eventType: 'analytics.report_ready', ruleId: reportRule.id },
          },
        ]),
    );
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toMatchObject({ value: [{ address }] });
    expect(mail!.subject).toBe('Your report Leads created last week is ready');
    expect(mail!.html).toContain(`Leads created last week: download it at ${ready.data.downloadPath}`);

    // The same event again (a publisher's retry), then another report: once that one is mailed, so is the repeat.
    const later = reportReady(tenantId, userId, 'Deals won this month');
    await publishAll(ready, later);
    await eventually(
      () => messagesOf(later),
      (rows) => expect(rows).toMatchObject([{ user_id: userId, status: 'sent' }]),
    );
    expect(await messagesOf(ready)).toHaveLength(1);
    expect(await messagesOf(scheduled)).toEqual([]);
    expect((await smtp.waitFor(2)).map((each) => each.subject)).toEqual([
      'Your report Leads created last week is ready',
      'Your report Deals won this month is ready',
    ]);
    await eventually(
      () => t.redis.xpending(eventStreamKey('analytics_report', namespace), EVENT_RULES_GROUP),
      (summary) => expect((summary as [number])[0]).toBe(0),
    );
  });
});
