import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageRecord, seedSentMessage, smsTenant } from '../callbacks/callbacks-test-fixtures.ts';
import { messagesFeature } from '../messages/messages.routes.ts';
import { templatesFeature } from '../templates/templates.routes.ts';
import { eventually, startTestApp, type TestApp } from '../test-support.ts';
import { triggersFeature } from '../triggers/triggers.routes.ts';
import { startFakeTwilio, type FakeTwilio } from './testing/fake-twilio.ts';

// A number that replied STOP: Twilio refuses the message with 21610, the message fails and the
// number is suppressed for the tenant as unsubscribed; other tenants still send to it.
let fake: FakeTwilio;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeTwilio();
  t = await startTestApp(
    {
      TWILIO_BASE_URL: fake.baseUrl,
      TWILIO_ACCOUNT_SID: fake.accountSid,
      TWILIO_AUTH_TOKEN: fake.authToken,
      TWILIO_FROM: '+15005550006',
    },
    { features: [templatesFeature, triggersFeature(() => {}), messagesFeature] },
  );
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

const codeTenant = () =>
  smsTenant(t, { key: 'code', category: 'security', critical: true, body: 'Your code is 123456' });

describe('an SMS to a number that replied STOP', () => {
  it('fails, suppresses the number for the tenant as unsubscribed, and leaves other tenants sending', async () => {
    const phone = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    const a = await codeTenant();
    const b = await codeTenant();
    fake.optOut(phone);

    const first = await a.trigger(phone);
    expect(first).toMatchObject({ channel: 'sms', status: 'scheduled' });
    const failed = await a.settled(first.id, 'failed');
    expect(failed.events.at(-1)).toEqual({
      type: 'notification.failed',
      data: { attempts: 1, permanent: true, lastError: expect.stringMatching(/^twilio: 400 .*"code":21610/) },
    });
    expect(failed.suppressions).toEqual([
      { channel: 'sms', address: phone, reason: 'unsubscribed', message_id: first.id },
    ]);

    // Twilio unblocks the number without telling this platform (no inbound reply reaches it: see
    // twilio-inbound.int.test.ts for one that does): the record still holds it for tenant A.
    fake.optOut(phone, false);
    const sent = fake.messages.length;
    const next = await a.trigger(phone);
    expect(next).toMatchObject({ channel: 'sms', status: 'suppressed', reason: 'unsubscribed' });

    const other = await b.trigger(phone);
    expect(other).toMatchObject({ channel: 'sms', status: 'scheduled' });
    const otherRecord = await b.settled(other.id, 'sent');
    expect(otherRecord.suppressions).toEqual([]);
    expect(fake.messages.slice(sent).map((message) => message.to)).toEqual([phone]);
  });

  it('suppresses a message queued before the number replied STOP when its turn comes, critical or not', async () => {
    const tenantId = randomUUID();
    const phone = '+14155550177';
    const queued = await seedSentMessage(t.pool, {
      tenantId,
      channel: 'sms',
      address: phone,
      critical: true,
      until: 'scheduled',
    });
    await withTransaction(
      t.pool,
      async (client: pg.PoolClient) => {
        await client.query(
          `INSERT INTO notification.suppressions (tenant_id, channel, address, reason, message_id, created_at)
           VALUES ($1, 'sms', $2, 'unsubscribed', NULL, now())`,
          [tenantId, phone],
        );
        await client.query(
          'INSERT INTO notification.delivery_queue (message_id, tenant_id, due_at) VALUES ($1, $2, now())',
          [queued.id, tenantId],
        );
      },
      { tenantId },
    );
    const record = await eventually(
      () => messageRecord(t.pool, tenantId, queued.id),
      (view) => expect(view.status).toBe('suppressed'),
    );
    expect(record.events.at(-1)).toEqual({
      type: 'notification.suppressed',
      data: { reason: 'unsubscribed', detail: `${phone} is suppressed for sms: unsubscribed` },
    });
    expect(fake.messages.filter((message) => message.to === phone)).toEqual([]);
  });
});
