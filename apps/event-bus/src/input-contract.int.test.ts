import { randomUUID } from 'node:crypto';
import { eventCatalogue } from '@bizosaas/event-schemas';
import { waitFor } from '@bizosaas/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBusFixture, type EventBusFixture } from './test-support.ts';

let fx: EventBusFixture;
beforeAll(async () => {
  fx = await eventBusFixture('input');
});
afterAll(() => fx.close());

const auth = async (tenantId: string, roles?: string[]) => ({
  authorization: `Bearer ${await fx.token(tenantId, roles)}`,
});
const history = async (tenantId: string, payload: Record<string, unknown>) =>
  fx.app.inject({ method: 'POST', url: '/api/v1/events/history', payload, headers: await auth(tenantId) });

async function publishBoth(tenantId: string) {
  for (const type of ['lead.created', 'lead.qualified'] as const) {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      headers: await auth(tenantId),
      payload: { type, data: eventCatalogue[type].example },
    });
    expect(res.statusCode, res.body).toBe(202);
  }
  await waitFor(async () => (await history(tenantId, {})).json().events.length === 2, 'both events archived');
}

describe('history filter as seed 002 names it', () => {
  it('filters by eventTypes (seed 002 event_types) and refuses filters it does not know instead of widening', async () => {
    const tenant = randomUUID();
    await publishBoth(tenant);
    const seed = await history(tenant, { tenantId: tenant, eventTypes: ['lead.qualified'], limit: 50 });
    expect(seed.statusCode).toBe(200);
    expect(seed.json().events.map((event: { type: string }) => event.type)).toEqual(['lead.qualified']);

    const typo = await history(tenant, { event_types: ['lead.qualified'], tenant_id: tenant });
    expect(typo.statusCode).toBe(400);
    expect(typo.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
    expect(typo.json().details.issues).toEqual([
      { path: 'event_types', location: 'body', message: 'unknown field' },
      { path: 'tenant_id', location: 'body', message: 'unknown field' },
    ]);
  });

  it('refuses unknown query parameters on a list route', async () => {
    const res = await fx.app.inject({
      url: '/api/v1/events/consumer-dead-letters?tenant=x&limit=5',
      headers: await auth(randomUUID()),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.issues).toEqual([{ path: 'tenant', location: 'query', message: 'unknown parameter' }]);
  });
});

describe('content type and authorization before validation', () => {
  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a JSON route sent text/plain or no content type', async () => {
    const headers = await auth(randomUUID());
    for (const contentType of ['text/plain', undefined]) {
      const res = await fx.app.inject({
        method: 'POST',
        url: '/api/v1/events/publish',
        payload: Buffer.from('{"type":"lead.created"}'),
        headers: { ...headers, ...(contentType && { 'content-type': contentType }) },
      });
      expect(res.statusCode, String(contentType)).toBe(415);
      expect(res.json()).toMatchObject({
        error: 'UNSUPPORTED_MEDIA_TYPE',
        message: expect.any(String),
        details: expect.any(Object),
      });
    }
  });

  it('answers a viewer 403 before looking at an invalid body', async () => {
    const res = await fx.app.inject({
      method: 'POST',
      url: '/api/v1/events/publish',
      headers: await auth(randomUUID(), ['viewer']),
      payload: { type: 42, permissions: ['*'] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'Missing permission',
      details: { required: 'events:publish' },
    });
  });
});
