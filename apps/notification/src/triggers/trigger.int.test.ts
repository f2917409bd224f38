import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { startAcceptingSmtp, startFailingSmtp, type AcceptingSmtp } from '../channels/testing/smtp-servers.ts';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

// The trigger pipeline through the built service: templates saved over HTTP, triggers, the
// dispatcher sending through a real SMTP server, and the message records read back.
describe('triggers', () => {
  let smtp: AcceptingSmtp;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startAcceptingSmtp();
    t = await startTestApp({ SMTP_URLS: smtp.url, EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  async function newTenant() {
    const caller = await tenantCaller(t.key);
    const save = async (template: Record<string, unknown>) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/templates',
        headers: caller.headers,
        payload: template,
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    return { ...caller, save };
  }

  const trigger = (headers: Record<string, string>, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/notifications/triggers', headers, payload });

  const messagesOf = async (headers: Record<string, string>, transactionId: string) =>
    (await t.app.inject({ url: `/api/v1/notifications/messages?transactionId=${transactionId}`, headers })).json<{
      items: { id: string; channel: string; status: string; statusReason: string | null }[];
    }>().items;

  it('sends one email for a trigger repeated with the same Idempotency-Key, and answers the same 202', async () => {
    const tenant = await newTenant();
    const label = randomUUID().slice(0, 8);
    await tenant.save({
      key: 'order-shipped',
      channel: 'email',
      category: 'orders',
      subject: 'Order {{ order }} shipped',
      body: '<p>Hi {{ name }}</p>',
    });
    const headers = { ...tenant.headers, 'idempotency-key': `ship-${label}` };
    const body = {
      templateKey: 'order-shipped',
      to: { email: `buyer.${label}@example.com` },
      data: { order: label, name: 'Ann' },
    };
    const first = await trigger(headers, body);
    const again = await Promise.all([trigger(headers, body), trigger(headers, body)]);
    expect(first.statusCode, first.body).toBe(202);
    for (const repeat of again) {
      expect(repeat.statusCode).toBe(202);
      expect(repeat.json()).toEqual(first.json());
    }
    expect(first.json()).toMatchObject({
      transactionId: `ship-${label}`,
      messages: [{ channel: 'email', status: 'scheduled' }],
    });
    // By subject: any replica's dispatcher may also send what other tests left due in the shared database.
    const [mail] = await eventually(
      async () => smtp.messages.filter((m) => m.subject === `Order ${label} shipped`),
      (mails) => expect(mails).toHaveLength(1),
    );
    expect(mail?.html).toContain('Hi Ann');
    await eventually(
      () => messagesOf(tenant.headers, `ship-${label}`),
      (items) => expect(items.map((m) => m.status)).toEqual(['sent']),
    );
    expect(smtp.messages.filter((m) => m.subject === `Order ${label} shipped`)).toHaveLength(1);
  });

  it('sends a bulk trigger to each recipient in one transaction and counts the sends in the stats', async () => {
    const tenant = await newTenant();
    const label = randomUUID().slice(0, 8);
    await tenant.save({ key: 'news', channel: 'email', category: 'news', subject: 'News {{ l }}', body: 'Hi' });
    const to = [{ email: `a.${label}@example.com` }, { userId: randomUUID() }, { email: `c.${label}@example.com` }];
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/triggers/bulk',
      headers: tenant.headers,
      payload: { templateKey: 'news', transactionId: `bulk-${label}`, to, data: { l: label } },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({
      transactionId: `bulk-${label}`,
      messages: [
        { recipient: 0, status: 'scheduled' },
        { recipient: 1, status: 'suppressed', reason: 'no_address' },
        { recipient: 2, status: 'scheduled' },
      ],
    });
    await eventually(
      async () => smtp.messages.filter((mail) => mail.subject === `News ${label}`),
      (mails) => expect(mails).toHaveLength(2),
    );
    const stats = await eventually(
      async () =>
        (await t.app.inject({ url: '/api/v1/notifications/stats', headers: tenant.headers })).json<{
          channels: { channel: string; requested: number; suppressed: number; sent: number }[];
          providers: { provider: string; accepted: number }[];
        }>(),
      (view) => expect(view.channels).toEqual([expect.objectContaining({ channel: 'email', sent: 2 })]),
    );
    expect(stats.channels[0]).toMatchObject({ requested: 3, suppressed: 1, sent: 2 });
    expect(stats.providers).toEqual([expect.objectContaining({ provider: 'smtp-1', accepted: 2 })]);
  });

  it('refuses the same transactionId with another request and a channel without a template', async () => {
    const tenant = await newTenant();
    await tenant.save({ key: 'note', channel: 'in_app', category: 'general', body: 'Note {{ n }}' });
    const userId = randomUUID();
    const first = await trigger(tenant.headers, {
      templateKey: 'note',
      transactionId: 'tx-1',
      to: { userId },
      data: { n: 1 },
    });
    expect(first.statusCode, first.body).toBe(202);
    const other = await trigger(tenant.headers, {
      templateKey: 'note',
      transactionId: 'tx-1',
      to: { userId },
      data: { n: 2 },
    });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({
      error: 'BUSINESS_RULE_VIOLATION',
      details: { rule: 'transaction_id_reused' },
    });
    const noEmail = await trigger(tenant.headers, {
      templateKey: 'note',
      channels: ['email'],
      to: { userId },
      data: { n: 3 },
    });
    expect(noEmail.statusCode).toBe(422);
    expect(noEmail.json()).toMatchObject({ details: { rule: 'template_exists', channels: ['email'] } });
  });

  it('answers 400 naming a variable the data lacks, and stores nothing', async () => {
    const tenant = await newTenant();
    await tenant.save({ key: 'hello', channel: 'in_app', category: 'general', body: 'Hello {{ name }}' });
    const res = await trigger(tenant.headers, {
      templateKey: 'hello',
      transactionId: 'missing-var',
      to: { userId: randomUUID() },
      data: {},
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('name');
    expect(await messagesOf(tenant.headers, 'missing-var')).toEqual([]);
    const nul = await trigger(tenant.headers, {
      templateKey: 'hello',
      transactionId: 'nul-in-data',
      to: { userId: randomUUID() },
      data: { name: 'A\u0000B' },
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'data', location: 'body' }] },
    });
    expect(await messagesOf(tenant.headers, 'nul-in-data')).toEqual([]);
  });

  it('suppresses a normal email for a user who switched email off, sends a critical one, and explains why', async () => {
    const tenant = await newTenant();
    const userId = randomUUID();
    const label = randomUUID().slice(0, 8);
    await tenant.save({
      key: 'promo',
      channel: 'email',
      category: 'marketing',
      subject: 'Promo {{ l }}',
      body: 'Deal',
    });
    await tenant.save({
      key: 'reset',
      channel: 'email',
      category: 'security',
      critical: true,
      subject: 'Reset {{ l }}',
      body: 'Code',
    });
    await withTransaction(
      t.pool,
      async (client) => {
        await client.query(
          `INSERT INTO notification.recipients (tenant_id, user_id, email, active, updated_at) VALUES ($1, $2, $3, true, now())`,
          [tenant.tenantId, userId, `user.${label}@example.com`],
        );
        await client.query(
          `INSERT INTO notification.preferences (tenant_id, user_id, channels, categories, updated_at) VALUES ($1, $2, '{"email": false}', '{}', now())`,
          [tenant.tenantId, userId],
        );
      },
      { tenantId: tenant.tenantId },
    );
    const promo = await trigger(tenant.headers, { templateKey: 'promo', to: { userId }, data: { l: label } });
    expect(promo.json()).toMatchObject({ messages: [{ status: 'suppressed', reason: 'preference' }] });
    const reset = await trigger(tenant.headers, { templateKey: 'reset', to: { userId }, data: { l: label } });
    expect(reset.json()).toMatchObject({ messages: [{ status: 'scheduled' }] });
    await eventually(
      async () => smtp.messages.map((m) => m.subject),
      (subjects) => expect(subjects).toContain(`Reset ${label}`),
    );
    expect(smtp.messages.map((m) => m.subject)).not.toContain(`Promo ${label}`);
    const promoId = promo.json<{ messages: { id: string }[] }>().messages[0]!.id;
    const explain = await t.app.inject({
      url: `/api/v1/notifications/messages/${promoId}/explain`,
      headers: tenant.headers,
    });
    expect(explain.statusCode, explain.body).toBe(200);
    expect(explain.json()).toMatchObject({
      status: 'suppressed',
      summary: expect.stringContaining('email is off for category marketing'),
      preference: {
        enabled: false,
        source: 'channel',
        values: { channel: false, category: null, templateDefault: true },
      },
      cause: { source: 'api', actor: { type: 'user', id: tenant.userId } },
      timeline: [{ type: 'notification.requested' }, { type: 'notification.suppressed' }],
    });
    const other = await tenantCaller(t.key);
    const hidden = await t.app.inject({ url: `/api/v1/notifications/messages/${promoId}`, headers: other.headers });
    expect(hidden.statusCode).toBe(404);
  });

  it('cancels what has not gone out: a message scheduled after quiet hours', async () => {
    const tenant = await newTenant();
    const userId = randomUUID();
    await tenant.save({ key: 'later', channel: 'in_app', category: 'news', body: 'Later' });
    // Quiet all day but one minute: the message waits for the window's end.
    const now = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const start = hhmm(new Date(now.getTime() + 2 * 60_000));
    const end = hhmm(new Date(now.getTime() + 60_000));
    await withTransaction(
      t.pool,
      (client) =>
        client.query(
          `INSERT INTO notification.preferences (tenant_id, user_id, channels, categories, quiet_hours, updated_at) VALUES ($1, $2, '{}', '{}', $3, now())`,
          [tenant.tenantId, userId, { start, end, timezone: 'UTC' }],
        ),
      { tenantId: tenant.tenantId },
    );
    const res = await trigger(tenant.headers, {
      templateKey: 'later',
      transactionId: 'quiet-1',
      to: { userId },
      data: {},
    });
    expect(res.json()).toMatchObject({ messages: [{ status: 'scheduled' }] });
    const [message] = await messagesOf(tenant.headers, 'quiet-1');
    expect(message).toBeDefined();
    const cancel = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/triggers/quiet-1/cancel',
      headers: tenant.headers,
    });
    expect(cancel.json()).toEqual({ transactionId: 'quiet-1', cancelled: [message!.id], sending: [] });
    expect(await messagesOf(tenant.headers, 'quiet-1')).toMatchObject([
      { status: 'suppressed', statusReason: 'cancelled' },
    ]);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/triggers/quiet-1/cancel',
      headers: tenant.headers,
    });
    expect(again.json()).toEqual({ transactionId: 'quiet-1', cancelled: [], sending: [] });
  });

  it('a dispatcher claim that commits while the cancel waits for it wins: the message is sending, not cancelled', async () => {
    const tenant = await newTenant();
    await tenant.save({ key: 'race', channel: 'in_app', category: 'news', body: 'Race' });
    const userId = randomUUID();
    // Held back by quiet hours, so no dispatcher takes it on its own.
    const now = new Date();
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    await withTransaction(
      t.pool,
      (client) =>
        client.query(
          `INSERT INTO notification.preferences (tenant_id, user_id, channels, categories, quiet_hours, updated_at) VALUES ($1, $2, '{}', '{}', $3, now())`,
          [
            tenant.tenantId,
            userId,
            {
              start: hhmm(new Date(now.getTime() + 2 * 60_000)),
              end: hhmm(new Date(now.getTime() + 60_000)),
              timezone: 'UTC',
            },
          ],
        ),
      { tenantId: tenant.tenantId },
    );
    await trigger(tenant.headers, { templateKey: 'race', transactionId: 'race-1', to: { userId }, data: {} });
    const [message] = await messagesOf(tenant.headers, 'race-1');
    // A claim in progress: its transaction holds the queue row when the cancel reads it unclaimed.
    const claim = await t.worker.connect();
    try {
      await claim.query('BEGIN');
      const xid = (await claim.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid')).rows[0]!.xid;
      await claim.query(
        `UPDATE notification.delivery_queue SET claimed_until = now() + interval '2 minutes' WHERE message_id = $1`,
        [message!.id],
      );
      const cancel = t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/triggers/race-1/cancel',
        headers: tenant.headers,
      });
      await eventually(
        async () =>
          (
            await t.worker.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_locks
               WHERE locktype = 'transactionid' AND transactionid::text = $1 AND NOT granted`,
              [xid],
            )
          ).rows[0]!.waiting,
        (waiting) => expect(waiting).toBeGreaterThan(0),
      );
      await claim.query('COMMIT');
      expect((await cancel).json()).toEqual({ transactionId: 'race-1', cancelled: [], sending: [message!.id] });
    } finally {
      claim.release();
    }
    expect(await messagesOf(tenant.headers, 'race-1')).toMatchObject([{ status: 'scheduled' }]);
  });
});

describe('triggers with failing providers', () => {
  it('sends through the second provider in the same attempt when the first is down', async () => {
    const smtp = await startAcceptingSmtp();
    const t = await startTestApp({
      SMTP_URLS: `down=smtp://127.0.0.1:9,${smtp.url}`,
      EVENT_STREAM_NAMESPACE: `test:${randomUUID()}`,
    });
    try {
      const tenant = await tenantCaller(t.key);
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/templates',
        headers: tenant.headers,
        payload: { key: 'hi', channel: 'email', category: 'general', subject: 'Hi', body: 'Hi' },
      });
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/triggers',
        headers: tenant.headers,
        payload: { templateKey: 'hi', to: { email: 'failover@example.com' }, data: {} },
      });
      const id = res.json<{ messages: { id: string }[] }>().messages[0]!.id;
      await smtp.waitFor(1);
      const detail = await eventually(
        async () =>
          (await t.app.inject({ url: `/api/v1/notifications/messages/${id}`, headers: tenant.headers })).json(),
        (message) => expect(message.status).toBe('sent'),
      );
      expect(detail).toMatchObject({
        provider: 'smtp-2',
        attempts: 1,
        attemptLog: [
          { attempt: 1, provider: 'down', outcome: 'transient' },
          { attempt: 1, provider: 'smtp-2', outcome: 'accepted' },
        ],
      });
    } finally {
      await t.close();
      await smtp.close();
    }
  });

  it('suppresses an address as bounced after a 550, and the next trigger to it with reason bounced', async () => {
    const failing = await startFailingSmtp(550, '5.1.1 mailbox unavailable');
    const t = await startTestApp({ SMTP_URLS: failing.url, EVENT_STREAM_NAMESPACE: `test:${randomUUID()}` });
    try {
      const tenant = await tenantCaller(t.key);
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/templates',
        headers: tenant.headers,
        payload: { key: 'hi', channel: 'email', category: 'general', subject: 'Hi', body: 'Hi' },
      });
      const send = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/notifications/triggers',
          headers: tenant.headers,
          payload: { templateKey: 'hi', to: { email: 'Gone@Example.com' }, data: {} },
        });
      const id = (await send()).json<{ messages: { id: string }[] }>().messages[0]!.id;
      await eventually(
        async () =>
          (await t.app.inject({ url: `/api/v1/notifications/messages/${id}`, headers: tenant.headers })).json(),
        (message) => expect(message).toMatchObject({ status: 'failed', statusReason: 'permanent' }),
      );
      expect((await send()).json()).toMatchObject({ messages: [{ status: 'suppressed', reason: 'bounced' }] });
    } finally {
      await t.close();
      await failing.close();
    }
  });
});
