import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import type { NotificationContext } from '../context.ts';
import { templatesFeature } from '../templates/templates.routes.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { runTriggers, type TriggerWork } from './trigger.ts';
import { triggersFeature } from './triggers.routes.ts';

// Group commit: triggers of one tenant run together in one transaction, and each still gets
// exactly what it would have got alone.
describe('triggers committed together', () => {
  let smtp: AcceptingSmtp;
  let t: TestApp;
  let ctx: NotificationContext;
  beforeAll(async () => {
    smtp = await startAcceptingSmtp();
    t = await startTestApp(
      { SMTP_URLS: smtp.url, EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` },
      { features: [templatesFeature, triggersFeature(() => {}), (_app, context) => void (ctx = context)] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function tenantWithTemplate(label: string) {
    const caller = await tenantCaller(t.key);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/templates',
      headers: caller.headers,
      payload: {
        key: 'batch-order',
        channel: 'email',
        category: 'orders',
        subject: `Order {{ order }} ${label}`,
        body: 'Hi',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const source = {
      tenantId: caller.tenantId,
      causation: { actor: { type: 'user' as const, id: caller.userId }, correlationId: label, causationId: null },
      trigger: { source: 'api' as const },
    };
    const work = (transactionId: string | undefined, order: string, templateKey = 'batch-order'): TriggerWork => ({
      input: {
        templateKey,
        to: [{ email: `buyer.${label}@example.com` }],
        data: { order },
        ...(transactionId && { transactionId }),
      },
      source,
    });
    const messages = () =>
      withTransaction(
        t.pool,
        async (client) =>
          (
            await client.query<{ transaction_id: string; status: string; subject: string; version: number }>(
              'SELECT transaction_id, status, subject, version FROM notification.messages ORDER BY subject',
            )
          ).rows,
        { tenantId: caller.tenantId },
      );
    return { caller, work, messages };
  }

  it('settles each trigger of a batch as it would alone: new, repeated in the batch, refused', async () => {
    const label = randomUUID().slice(0, 8);
    const { work, messages, caller } = await tenantWithTemplate(label);
    const results = await runTriggers(ctx, caller.tenantId, [
      work(`a-${label}`, '1'),
      work(`b-${label}`, '2'),
      work(`a-${label}`, '1'),
      work(`c-${label}`, '3', 'no-such-template'),
      work(`a-${label}`, 'another order'),
    ]);
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const [a, b, repeat] = results.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    expect(a).toMatchObject({
      repeated: false,
      accepted: { transactionId: `a-${label}`, messages: [{ status: 'scheduled' }] },
    });
    expect(b).toMatchObject({ repeated: false, accepted: { transactionId: `b-${label}` } });
    expect(repeat).toEqual({ repeated: true, accepted: a!.accepted });
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'BUSINESS_RULE_VIOLATION' });
    expect((results[4] as PromiseRejectedResult).reason.message).toMatch(/used for another request/);
    expect(await messages()).toEqual([
      { transaction_id: `a-${label}`, status: 'scheduled', subject: `Order 1 ${label}`, version: 2 },
      { transaction_id: `b-${label}`, status: 'scheduled', subject: `Order 2 ${label}`, version: 2 },
    ]);
    await eventually(
      async () =>
        smtp.messages
          .filter((mail) => mail.subject?.endsWith(label))
          .map((mail) => mail.subject)
          .sort(),
      (subjects) => expect(subjects).toEqual([`Order 1 ${label}`, `Order 2 ${label}`]),
    );
  });

  it('runs each trigger alone when the batch transaction fails, so only the one that broke it fails', async () => {
    const label = randomUUID().slice(0, 8);
    const { work, messages, caller } = await tenantWithTemplate(label);
    // PostgreSQL's jsonb refuses \u0000 (the route's schema keeps it out): its message insert fails the transaction.
    const broken = work(`x-${label}`, 'bad \u0000 order');
    const results = await runTriggers(ctx, caller.tenantId, [work(`d-${label}`, '4'), broken, work(undefined, '5')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await messages()).map((row) => row.subject)).toEqual([`Order 4 ${label}`, `Order 5 ${label}`]);
  });

  it('answers 30 concurrent triggers each with its own 202 and sends 30 emails, each message sent once', async () => {
    const label = randomUUID().slice(0, 8);
    const { messages, caller } = await tenantWithTemplate(label);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/notifications/triggers',
          headers: { ...caller.headers, 'idempotency-key': `v-${label}-${i}` },
          payload: {
            templateKey: 'batch-order',
            to: { email: `buyer.${label}@example.com` },
            data: { order: String(i) },
          },
        }),
      ),
    );
    expect(answers.map((res) => res.statusCode)).toEqual(Array(30).fill(202));
    expect(answers.map((res) => res.json<{ transactionId: string }>().transactionId)).toEqual(
      Array.from({ length: 30 }, (_, i) => `v-${label}-${i}`),
    );
    await eventually(messages, (rows) =>
      expect(rows.filter((row) => row.status === 'sent' && row.version === 3)).toHaveLength(30),
    );
    expect(smtp.messages.filter((mail) => mail.subject?.endsWith(label))).toHaveLength(30);
  });
});
