import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import type { NotificationContext } from '../context.ts';
import { templatesFeature } from '../templates/templates.routes.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { cancelTransaction } from '../triggers/cancel.ts';
import { runTriggers } from '../triggers/trigger.ts';
import { DISPATCHER } from './prepare-send.ts';
import { recordSents, type AcceptedSend } from './record-outcome.ts';

// Accepted sends of one tenant recorded in one transaction; one whose message moved meanwhile
// (cancelled) is decided again on its own, and the others are still recorded.
describe('recordSents', () => {
  let t: TestApp;
  let ctx: NotificationContext;
  beforeAll(async () => {
    // No dispatcher wake-up and a poll far away: the messages stay queued for the test to record.
    t = await startTestApp(
      { DISPATCH_POLL_INTERVAL_MS: '3600000', EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` },
      { features: [templatesFeature, (_app, context) => void (ctx = context)] },
    );
  });
  afterAll(() => t?.close());

  it('records a batch in one transaction, and the message that moved on its own', async () => {
    const caller = await tenantCaller(t.key);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/templates',
      headers: caller.headers,
      payload: { key: 'receipt', channel: 'email', category: 'orders', subject: 'Receipt {{ n }}', body: 'Thanks' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const causation = { actor: DISPATCHER, correlationId: randomUUID(), causationId: null };
    const source = { tenantId: caller.tenantId, causation, trigger: { source: 'api' as const } };
    const triggered = await runTriggers(
      ctx,
      caller.tenantId,
      ['1', '2', '3'].map((n) => ({
        input: { templateKey: 'receipt', transactionId: `r-${n}`, to: [{ email: `r${n}@example.com` }], data: { n } },
        source,
      })),
    );
    const ids = triggered.map((result) => (result.status === 'fulfilled' ? result.value.accepted.messages[0]!.id : ''));
    await cancelTransaction(ctx, caller.tenantId, 'r-2', causation);
    const startedAt = new Date();
    const sends: AcceptedSend[] = ids.map((id, index) => ({
      message: {
        id,
        tenantId: caller.tenantId,
        channel: 'email',
        status: 'scheduled',
        userId: null,
        address: `r${index + 1}@example.com`,
        subject: `Receipt ${index + 1}`,
        body: 'Thanks',
        data: {},
        templateKey: 'receipt',
        templateVersion: 1,
        category: 'orders',
        critical: false,
        isDigest: false,
        version: 2,
      },
      previousAttempts: 0,
      result: {
        status: 'sent',
        attempts: [
          {
            provider: 'smtp-1',
            outcome: 'accepted',
            providerMessageId: `<${id}@test>`,
            response: '250 OK',
            latencyMs: 3,
            startedAt,
          },
        ],
      },
      causation,
    }));
    const results = await recordSents(ctx, t.pool, caller.tenantId, sends);
    // The cancelled one is decided again on its own, where a send after a cancel is refused.
    expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : result.status))).toEqual([
      'fulfilled',
      'BusinessRuleViolation: A suppressed message cannot record notification.sent',
      'fulfilled',
    ]);
    const rows = await withTransaction(
      t.pool,
      async (client) =>
        (
          await client.query<{
            id: string;
            status: string;
            version: number;
            provider_message_id: string | null;
            queued: boolean;
            attempts: string;
          }>(
            `SELECT m.id, m.status, m.version, m.provider_message_id,
                    EXISTS (SELECT FROM notification.delivery_queue q WHERE q.message_id = m.id) AS queued,
                    (SELECT count(*) FROM notification.message_attempts a WHERE a.message_id = m.id) AS attempts
             FROM notification.messages m WHERE m.id = ANY($1) ORDER BY m.subject`,
            [ids],
          )
        ).rows,
      { tenantId: caller.tenantId },
    );
    expect(rows).toEqual([
      { id: ids[0], status: 'sent', version: 3, provider_message_id: `<${ids[0]}@test>`, queued: false, attempts: '1' },
      { id: ids[1], status: 'suppressed', version: 3, provider_message_id: null, queued: false, attempts: '0' },
      { id: ids[2], status: 'sent', version: 3, provider_message_id: `<${ids[2]}@test>`, queued: false, attempts: '1' },
    ]);
  });
});
