import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { replaceCredentials } from '../connections/connection-store.ts';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import { eventually, startTestApp, type TestApp } from '../test-support.ts';
import { webhooksFeature } from './webhooks-feature.ts';
import {
  hubspotHeaders,
  metaSignature,
  outboxCount,
  publishedWebhooks,
  seedConnection,
  stripeSignature,
  webhookRows,
} from './webhook-test-fixtures.ts';

const NOW = new Date('2026-12-07T10:00:00.000Z');
const NOW_S = NOW.getTime() / 1000;
const PUBLIC_BASE_URL = 'https://hooks.example.test';
const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const META_SECRET = 'meta-app-secret-for-tests';
const WHSEC = 'whsec_test';

let t: TestApp;
let ctx: IntegrationContext;
beforeAll(async () => {
  t = await startTestApp(
    {
      PUBLIC_BASE_URL,
      OAUTH_CLIENTS: JSON.stringify({
        hubspot: { clientId: 'hubspot-client', clientSecret: HUBSPOT_SECRET },
        meta_ads: { clientId: 'meta-app', clientSecret: META_SECRET },
      }),
    },
    {
      now: () => NOW,
      features: [webhooksFeature(), (_app, context) => void (ctx = context)],
    },
  );
});
afterAll(async () => {
  await t?.close();
});

const path = (provider: string, connectionId: string) => `/api/v1/webhooks/${provider}/${connectionId}`;
const post = (url: string, body: string, headers: Record<string, string>) =>
  t.app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', ...headers } });
const namespace = () => t.config.EVENT_STREAM_NAMESPACE;

const stripeConnection = (webhookSecret: string | null = WHSEC) =>
  seedConnection(ctx, 'stripe', { type: 'api_key', apiKey: 'sk_test_x', ...(webhookSecret && { webhookSecret }) });

/** Seals a Stripe connection's credentials anew with `webhookSecret` (new bytes even for the same secret). */
const newWebhookSecret = (tenantId: string, connectionId: string, webhookSecret: string) =>
  tenantTransaction(ctx, tenantId, (client) =>
    replaceCredentials(
      client,
      ctx,
      tenantId,
      connectionId,
      { type: 'api_key', apiKey: 'sk_test_x', webhookSecret },
      NOW,
    ),
  );

function stripeEvent(id = `evt_${randomUUID().replaceAll('-', '')}`) {
  // Stripe's own formatting (two-space indent): the signature covers these bytes, not a re-serialisation.
  const body = JSON.stringify({ id, object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1' } } }, null, 2);
  return { id, body };
}

/** Every stored webhook of the connection has reached the stream and left the outbox. */
async function settled(tenantId: string, connectionId: string, count: number) {
  await eventually(
    async () => ({
      published: (await publishedWebhooks(t.redis, namespace(), connectionId)).length,
      outbox: await outboxCount(t.worker, tenantId),
    }),
    (state) => expect(state).toEqual({ published: count, outbox: 0 }),
  );
}

describe('Stripe webhooks', () => {
  it('a signed event is stored once, published as integration.webhook_received and marked processed', async () => {
    const { tenantId, connectionId } = await stripeConnection();
    const { id, body } = stripeEvent();
    const res = await post(path('stripe', connectionId), body, {
      'stripe-signature': stripeSignature(body, NOW_S, WHSEC),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });

    const [row, ...more] = await webhookRows(t.worker, connectionId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ provider: 'stripe', provider_event_id: id, event_type: 'invoice.paid' });
    expect(row!.payload).toEqual(JSON.parse(body));
    await settled(tenantId, connectionId, 1);
    const [event] = await publishedWebhooks(t.redis, namespace(), connectionId);
    expect(event).toMatchObject({
      type: 'integration.webhook_received',
      tenantId,
      aggregateType: 'integration_webhook',
      aggregateId: row!.id,
      data: { provider: 'stripe', connectionId, providerEventId: id, eventType: 'invoice.paid', payload: body },
    });
    expect(event!.data.receivedAt).toBe(NOW.toISOString());
    await eventually(
      () => webhookRows(t.worker, connectionId),
      ([stored]) => expect(stored).toMatchObject({ status: 'processed', processed_at: NOW }),
    );
  });

  it('the same event again answers duplicate and stores and publishes nothing', async () => {
    const { tenantId, connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    const headers = { 'stripe-signature': stripeSignature(body, NOW_S, WHSEC) };
    expect((await post(path('stripe', connectionId), body, headers)).json()).toEqual({
      received: true,
      duplicate: false,
    });
    await settled(tenantId, connectionId, 1);

    const again = await post(path('stripe', connectionId), body, headers);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    expect(await webhookRows(t.worker, connectionId)).toHaveLength(1);
    // Published again, its event would be in the outbox or on the stream by now.
    expect(
      (await publishedWebhooks(t.redis, namespace(), connectionId)).length + (await outboxCount(t.worker, tenantId)),
    ).toBe(1);
  });

  it('concurrent deliveries of one event store it once', async () => {
    const { connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    const headers = { 'stripe-signature': stripeSignature(body, NOW_S, WHSEC) };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => post(path('stripe', connectionId), body, headers)),
    );
    expect(answers.map((res) => res.statusCode)).toEqual(Array(8).fill(200));
    expect(answers.filter((res) => res.json<{ duplicate: boolean }>().duplicate === false)).toHaveLength(1);
    expect(await webhookRows(t.worker, connectionId)).toHaveLength(1);
  });

  it.each([
    ['signed with another secret', (body: string) => stripeSignature(body, NOW_S, 'whsec_other')],
    ['without a v1 signature', () => `t=${NOW_S}`],
    ['signed 301 s ago', (body: string) => stripeSignature(body, NOW_S - 301, WHSEC)],
    ['signed 301 s ahead', (body: string) => stripeSignature(body, NOW_S + 301, WHSEC)],
  ])('an event %s answers 401 and stores and publishes nothing', async (_case, sign) => {
    const { tenantId, connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    const res = await post(path('stripe', connectionId), body, { 'stripe-signature': sign(body) });
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ error: 'UNAUTHENTICATED' });
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
    expect(await outboxCount(t.worker, tenantId)).toBe(0);
  });

  it('accepts a timestamp exactly 300 s old, and a rolled secret next to the current one', async () => {
    const { connectionId } = await stripeConnection();
    const first = stripeEvent();
    const old = await post(path('stripe', connectionId), first.body, {
      'stripe-signature': stripeSignature(first.body, NOW_S - 300, WHSEC),
    });
    expect(old.statusCode, old.body).toBe(200);
    const second = stripeEvent();
    const rolled = await post(path('stripe', connectionId), second.body, {
      'stripe-signature': stripeSignature(second.body, NOW_S, 'whsec_new', WHSEC),
    });
    expect(rolled.statusCode, rolled.body).toBe(200);
    expect(await webhookRows(t.worker, connectionId)).toHaveLength(2);
  });

  it('a new signing secret counts from the next webhook: the old one is refused at once', async () => {
    const { tenantId, connectionId } = await stripeConnection();
    const signedWith = async (secret: string) => {
      const { body } = stripeEvent();
      const res = await post(path('stripe', connectionId), body, {
        'stripe-signature': stripeSignature(body, NOW_S, secret),
      });
      return res.statusCode;
    };
    expect(await signedWith(WHSEC)).toBe(200);
    await newWebhookSecret(tenantId, connectionId, 'whsec_next');
    // The first webhook's connection is held by the service: the old secret still fails at once.
    expect([await signedWith(WHSEC), await signedWith('whsec_next')]).toEqual([401, 200]);
    expect(await webhookRows(t.worker, connectionId)).toHaveLength(2);
  });

  it('answers 503 and stores nothing when the credentials change after each of three fresh reads', async () => {
    const { tenantId, connectionId } = await stripeConnection();
    // Each read of the connection is followed by a new sealing of the same secret (new bytes), so
    // the store finds credentials other than the ones the signature was checked against.
    const run = ctx.worker.query.bind(ctx.worker) as (
      config: { name?: string },
      values?: unknown[],
    ) => Promise<unknown>;
    let reads = 0;
    const resealing = async (config: { name?: string }, values?: unknown[]) => {
      const result = await run(config, values);
      if (config.name === 'webhook-target') {
        reads += 1;
        await newWebhookSecret(tenantId, connectionId, WHSEC);
      }
      return result;
    };
    // An own property over the pool's prototype method, deleted afterwards.
    ctx.worker.query = resealing as unknown as typeof ctx.worker.query;
    const { body } = stripeEvent();
    const headers = { 'stripe-signature': stripeSignature(body, NOW_S, WHSEC) };
    try {
      const res = await post(path('stripe', connectionId), body, headers);
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
      expect(reads).toBe(3);
    } finally {
      Reflect.deleteProperty(ctx.worker, 'query');
    }
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
    expect(await outboxCount(t.worker, tenantId)).toBe(0);
    // Once the credentials hold still, the provider's retry is stored.
    expect((await post(path('stripe', connectionId), body, headers)).statusCode).toBe(200);
    expect(await webhookRows(t.worker, connectionId)).toHaveLength(1);
  });

  it('a body with one byte changed after signing answers 401', async () => {
    const { connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    const changed = body.replace('invoice.paid', 'invoice.paiD');
    const res = await post(path('stripe', connectionId), changed, {
      'stripe-signature': stripeSignature(body, NOW_S, WHSEC),
    });
    expect(res.statusCode, res.body).toBe(401);
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });

  it('a connection without a signing secret refuses every webhook', async () => {
    const { connectionId } = await stripeConnection(null);
    const { body } = stripeEvent();
    const res = await post(path('stripe', connectionId), body, {
      'stripe-signature': stripeSignature(body, NOW_S, ''),
    });
    expect(res.statusCode, res.body).toBe(401);
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });

  it('a signed body that is not a Stripe event answers 400 and stores nothing', async () => {
    const { connectionId } = await stripeConnection();
    const body = JSON.stringify({ object: 'event', type: 'invoice.paid' });
    const res = await post(path('stripe', connectionId), body, {
      'stripe-signature': stripeSignature(body, NOW_S, WHSEC),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({
      error: 'VALIDATION_ERROR',
      details: { issues: [{ path: 'id', location: 'body' }] },
    });
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });
});

describe('which endpoint', () => {
  it('an unknown connection and another provider in the path answer the same 404', async () => {
    const { connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    const headers = { 'stripe-signature': stripeSignature(body, NOW_S, WHSEC) };
    const unknown = await post(path('stripe', randomUUID()), body, headers);
    const otherProvider = await post(path('hubspot', connectionId), body, headers);
    expect([unknown.statusCode, otherProvider.statusCode]).toEqual([404, 404]);
    expect(otherProvider.json()).toEqual(unknown.json());
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });

  it('a connection deleted after it was looked up stores nothing and answers 404', async () => {
    const { tenantId, connectionId } = await stripeConnection();
    const { body } = stripeEvent();
    // Hold the insert at its table lock, delete the connection meanwhile, then let it go on.
    const blocker = await t.worker.connect();
    try {
      await blocker.query('BEGIN; LOCK TABLE integration.webhook_events IN SHARE MODE');
      const answer = post(path('stripe', connectionId), body, {
        'stripe-signature': stripeSignature(body, NOW_S, WHSEC),
      });
      await eventually(
        async () =>
          (
            await t.worker.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_locks
               WHERE relation = 'integration.webhook_events'::regclass AND NOT granted`,
            )
          ).rows[0]!.waiting,
        (waiting) => expect(waiting).toBeGreaterThan(0),
      );
      await tenantTransaction(ctx, tenantId, (client) =>
        client.query('DELETE FROM integration.connections WHERE id = $1', [connectionId]),
      );
      await blocker.query('COMMIT');
      const res = await answer;
      expect(res.statusCode, res.body).toBe(404);
    } finally {
      blocker.release();
    }
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
    expect(await outboxCount(t.worker, tenantId)).toBe(0);
  });

  it('a provider that takes no webhooks answers 404', async () => {
    const { connectionId } = await seedConnection(ctx, 'google_ads', {
      type: 'oauth2',
      accessToken: 'ya29.x',
      refreshToken: null,
      tokenType: 'Bearer',
      expiresAt: null,
    });
    const res = await post(path('google_ads', connectionId), '{}', {});
    expect(res.statusCode, res.body).toBe(404);
  });

  it("a tenant's own provider signing the Stripe way takes Stripe-signed webhooks", async () => {
    const connection = await seedConnection(ctx, 'acme_pay', { type: 'api_key', apiKey: 'k', webhookSecret: WHSEC });
    const definition = {
      key: 'acme_pay',
      name: 'Acme Pay',
      category: 'payments',
      auth: { type: 'api_key', header: 'authorization', format: 'Bearer {key}' },
      baseUrl: 'https://api.acme-pay.test',
      rateLimit: { perSecond: 5, burst: 10 },
      webhooks: { scheme: 'stripe', toleranceSeconds: 60 },
      pagination: 'cursor',
    };
    await tenantTransaction(ctx, connection.tenantId, (client) =>
      client.query(
        `INSERT INTO integration.custom_providers (id, tenant_id, key, definition, created_at, updated_at)
         VALUES ($1, $2, 'acme_pay', $3, now(), now())`,
        [randomUUID(), connection.tenantId, definition],
      ),
    );
    const { body } = stripeEvent();
    const url = path('acme_pay', connection.connectionId);
    const fresh = await post(url, body, { 'stripe-signature': stripeSignature(body, NOW_S - 60, WHSEC) });
    expect(fresh.statusCode, fresh.body).toBe(200);
    // Its own tolerance (60 s), not Stripe's.
    const late = stripeEvent();
    const stale = await post(url, late.body, { 'stripe-signature': stripeSignature(late.body, NOW_S - 61, WHSEC) });
    expect(stale.statusCode, stale.body).toBe(401);
    expect(await webhookRows(t.worker, connection.connectionId)).toHaveLength(1);
  });

  it('is public: no token needed, and documented without security', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const operation = document.paths['/api/v1/webhooks/{provider}/{connectionId}'].post;
    expect(operation.security).toEqual([]);
    expect(await openApiProblems(document)).toEqual([]);
  });
});

const oauth = { type: 'oauth2', accessToken: 'at', refreshToken: 'rt', tokenType: 'Bearer', expiresAt: null } as const;

describe('HubSpot v3 webhooks', () => {
  const batch = (ids: number[]) =>
    JSON.stringify(
      ids.map((eventId) => ({
        eventId,
        subscriptionId: 12345,
        portalId: 62515,
        occurredAt: NOW.getTime() - 1000,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: 123,
        propertyName: 'email',
        propertyValue: 'ada@example.com',
      })),
    );
  // The query carries escapes HubSpot decodes (%3A) and one it keeps (%20).
  const query = '?source=crm%3Acontacts&label=a%20b';
  const signedUri = (connectionId: string) =>
    `${PUBLIC_BASE_URL}${path('hubspot', connectionId)}?source=crm:contacts&label=a%20b`;

  it('stores each event of a signed batch once, by eventId', async () => {
    const { tenantId, connectionId } = await seedConnection(ctx, 'hubspot', oauth);
    const body = batch([101, 102, 101]);
    const headers = hubspotHeaders(HUBSPOT_SECRET, signedUri(connectionId), body, NOW.getTime());
    const res = await post(path('hubspot', connectionId) + query, body, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });
    const rows = await webhookRows(t.worker, connectionId);
    expect(rows.map((row) => [row.provider_event_id, row.event_type])).toEqual([
      ['101', 'contact.propertyChange'],
      ['102', 'contact.propertyChange'],
    ]);
    expect(rows[0]!.payload).toMatchObject({ eventId: 101, portalId: 62515 });
    await settled(tenantId, connectionId, 2);

    const again = await post(path('hubspot', connectionId) + query, body, headers);
    expect(again.json()).toEqual({ received: true, duplicate: true });
    const next = batch([102, 103]);
    const partly = await post(
      path('hubspot', connectionId) + query,
      next,
      hubspotHeaders(HUBSPOT_SECRET, signedUri(connectionId), next, NOW.getTime()),
    );
    expect(partly.json()).toEqual({ received: true, duplicate: false });
    expect((await webhookRows(t.worker, connectionId)).map((row) => row.provider_event_id)).toEqual([
      '101',
      '102',
      '103',
    ]);
  });

  it.each([
    ['signed with another secret', (uri: string, body: string) => hubspotHeaders('other', uri, body, NOW.getTime())],
    [
      'signed for another URL',
      (_uri: string, body: string) => hubspotHeaders(HUBSPOT_SECRET, `${PUBLIC_BASE_URL}/x`, body, NOW.getTime()),
    ],
    [
      'signed over the URI without decoding',
      (uri: string, body: string) =>
        hubspotHeaders(HUBSPOT_SECRET, uri.replace('crm:contacts', 'crm%3Acontacts'), body, NOW.getTime()),
    ],
    [
      'signed more than 5 minutes ago',
      (uri: string, body: string) => hubspotHeaders(HUBSPOT_SECRET, uri, body, NOW.getTime() - 300_001),
    ],
    [
      'without a timestamp',
      (uri: string, body: string) => {
        const { 'x-hubspot-signature-v3': signature } = hubspotHeaders(HUBSPOT_SECRET, uri, body, NOW.getTime());
        return { 'x-hubspot-signature-v3': signature! };
      },
    ],
  ])('a batch %s answers 401 and stores nothing', async (_case, sign) => {
    const { connectionId } = await seedConnection(ctx, 'hubspot', oauth);
    const body = batch([201]);
    const res = await post(path('hubspot', connectionId) + query, body, sign(signedUri(connectionId), body));
    expect(res.statusCode, res.body).toBe(401);
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });

  it('a batch with one byte changed answers 401', async () => {
    const { connectionId } = await seedConnection(ctx, 'hubspot', oauth);
    const body = batch([301]);
    const headers = hubspotHeaders(HUBSPOT_SECRET, signedUri(connectionId), body, NOW.getTime());
    const res = await post(path('hubspot', connectionId) + query, body.replace('62515', '62516'), headers);
    expect(res.statusCode, res.body).toBe(401);
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });
});

describe('Meta webhooks', () => {
  const notification = (time: number) =>
    JSON.stringify({
      object: 'page',
      entry: [
        {
          id: '1234567890',
          time,
          changes: [{ field: 'leadgen', value: { leadgen_id: '444', page_id: '1234567890' } }],
        },
      ],
    });

  it('a signed notification is stored once, named by its entry, time and body', async () => {
    const { tenantId, connectionId } = await seedConnection(ctx, 'meta_ads', oauth);
    const body = notification(NOW_S);
    const res = await post(path('meta_ads', connectionId), body, {
      'x-hub-signature-256': metaSignature(META_SECRET, body),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: false });
    const [row] = await webhookRows(t.worker, connectionId);
    expect(row).toMatchObject({ event_type: 'page.leadgen' });
    expect(row!.provider_event_id).toMatch(new RegExp(`^1234567890:${NOW_S}#[0-9a-f]{16}$`));
    await settled(tenantId, connectionId, 1);

    const again = await post(path('meta_ads', connectionId), body, {
      'x-hub-signature-256': metaSignature(META_SECRET, body),
    });
    expect(again.json()).toEqual({ received: true, duplicate: true });
    // Another change to the same object in the same second is another event.
    const other = body.replace('"444"', '"445"');
    const next = await post(path('meta_ads', connectionId), other, {
      'x-hub-signature-256': metaSignature(META_SECRET, other),
    });
    expect(next.json()).toEqual({ received: true, duplicate: false });
  });

  it.each([
    ['signed with another secret', (body: string) => ({ 'x-hub-signature-256': metaSignature('other', body) })],
    ['without a signature', () => ({})],
    [
      'with its body changed by a byte',
      (body: string) => ({
        'x-hub-signature-256': metaSignature(META_SECRET, body.replace('"444"', '"445"')),
      }),
    ],
  ])('a notification %s answers 401 and stores nothing', async (_case, sign) => {
    const { connectionId } = await seedConnection(ctx, 'meta_ads', oauth);
    const body = notification(NOW_S);
    const res = await post(path('meta_ads', connectionId), body, sign(body));
    expect(res.statusCode, res.body).toBe(401);
    expect(await webhookRows(t.worker, connectionId)).toEqual([]);
  });
});
