import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAcceptingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

const LEASE_MS = 3_000;
// Each email takes this long at the SMTP server: the third of a batch sent one at a time would
// start with less than half the lease left.
const HOLD_MS = 1_200;

// A slow provider and a short lease: the dispatcher starts a message only while at least half its
// lease is left, so no send can outlast it (and be taken over by another replica or cancelled while
// it goes out); the rest of the batch goes back to the queue and is claimed again at once.
describe('dispatcher leases', () => {
  let smtp: AcceptingSmtp;
  let t: TestApp;
  // The lease each message had left when its email reached the server.
  const leftAtArrival = new Map<string, number>();

  beforeAll(async () => {
    smtp = await startAcceptingSmtp({
      async beforeAccept(raw) {
        const messageId = /^Message-ID: <([0-9a-f-]{36})@bizosaas>/im.exec(raw.toString())?.[1];
        const { rows } = await t.worker.query<{ claimed_until: Date | null }>(
          'SELECT claimed_until FROM notification.delivery_queue WHERE message_id = $1',
          [messageId],
        );
        leftAtArrival.set(messageId ?? 'none', (rows[0]?.claimed_until?.getTime() ?? 0) - Date.now());
        await sleep(HOLD_MS);
      },
    });
    t = await startTestApp({
      SMTP_URLS: smtp.url,
      DISPATCH_LEASE_MS: String(LEASE_MS),
      DISPATCH_CONCURRENCY: '1',
      EVENT_STREAM_NAMESPACE: `test:${randomUUID()}`,
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('starts no send with less than half its lease left, and sends every message of a slow batch once', async () => {
    const caller = await tenantCaller(t.key);
    const label = randomUUID().slice(0, 8);
    const saved = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/templates',
      headers: caller.headers,
      payload: { key: 'receipt', channel: 'email', category: 'billing', subject: `Receipt ${label}`, body: 'Paid' },
    });
    expect(saved.statusCode, saved.body).toBe(201);
    const names = ['ann', 'bob', 'cyd'];
    // One batch commits the three messages together: the dispatcher claims them in one pass.
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/triggers/batch',
      headers: caller.headers,
      payload: {
        triggers: names.map((name) => ({
          templateKey: 'receipt',
          to: { email: `${name}.${label}@example.com` },
          transactionId: `receipt:${label}:${name}`,
        })),
      },
    });
    expect(res.statusCode, res.body).toBe(202);

    const statuses = await eventually(
      async () =>
        (await t.app.inject({ url: '/api/v1/notifications/messages?limit=10', headers: caller.headers })).json<{
          items: { id: string; status: string }[];
        }>().items,
      (items) => expect(items.map((item) => item.status)).toEqual(['sent', 'sent', 'sent']),
      30_000,
    );
    const mails = smtp.messages.filter((mail) => mail.subject === `Receipt ${label}`);
    expect(mails.map((mail) => mail.to && 'text' in mail.to && mail.to.text.split('.')[0]).sort()).toEqual(names);
    for (const { id } of statuses) expect(leftAtArrival.get(id)).toBeGreaterThanOrEqual(LEASE_MS / 2 - 500);
    // The third went back to the queue with its claim released, not left to its lease's end.
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/^notification_dispatch_released_total\{[^}]*channel="email"[^}]*\} 1$/m);
  });
});
