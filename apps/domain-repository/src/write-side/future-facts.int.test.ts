import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cdcLeadPayload, salesforceCdcEvent, salesforceId } from '../crm-ingestion/testing/salesforce-events.ts';
import { newLeadBody, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

// The service's clock, not the machine's: instants after it by more than CLOCK_SKEW_MS are refused.
const now = new Date('2026-03-01T12:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
const SKEW = 60_000;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ CLOCK_SKEW_MS: String(SKEW) }, { now: () => now });
});
afterAll(async () => {
  await t?.close();
});

function refusedNaming(res: LightMyRequestResponse, path: string) {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json()).toMatchObject({
    error: 'VALIDATION_ERROR',
    details: { issues: [{ path, location: 'body', message: expect.stringContaining('future') }] },
  });
  expect(res.json().details.issues).toHaveLength(1);
}

describe('facts dated in the future', () => {
  it('a purchase dated 9999-12-31 is refused and leaves lastPurchaseAt and the churn risk alone; within the skew it is recorded', async () => {
    const caller = await tenantCaller(t.key);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: caller.headers,
      payload: { profile: { email: 'buyer@example.com' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const url = `/api/v1/customers/${created.json().id}`;
    const purchase = (purchasedAt: string) =>
      t.app.inject({
        method: 'POST',
        url: `${url}/purchases`,
        headers: caller.headers,
        payload: { orderId: randomUUID(), orderValue: '100.00', currency: 'USD', purchasedAt },
      });
    refusedNaming(await purchase('9999-12-31T00:00:00Z'), 'purchasedAt');
    refusedNaming(await purchase(at(SKEW + 1_000)), 'purchasedAt');
    const unchanged = (await t.app.inject({ method: 'GET', url, headers: caller.headers })).json();
    expect(unchanged).toMatchObject({ version: 1, metrics: { purchaseCount: 0, lastPurchaseAt: null }, churnRisk: 0 });

    const recorded = await purchase(at(SKEW - 1_000));
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json().metrics).toMatchObject({ purchaseCount: 1, lastPurchaseAt: at(SKEW - 1_000) });
  });

  it('an interaction after now plus the skew is refused; one within it is logged', async () => {
    const caller = await tenantCaller(t.key);
    const lead = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: caller.headers,
      payload: newLeadBody(),
    });
    const url = `/api/v1/leads/${lead.json().id}/interactions`;
    const interaction = (interactedAt: string) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: caller.headers,
        payload: { kind: 'call', summary: 'Demo', interactedAt },
      });
    refusedNaming(await interaction(at(SKEW + 1_000)), 'interactedAt');
    const logged = await interaction(at(SKEW - 1_000));
    expect(logged.statusCode, logged.body).toBe(200);
    expect(logged.json()).toMatchObject({ version: 2, interactionCount: 1, lastInteractionAt: at(SKEW - 1_000) });
  });
});

describe('CRM changes dated in the future', () => {
  const hubspotEvent = (eventId: number, occurredAt: number) => ({
    eventId,
    subscriptionId: 25,
    portalId: 33,
    appId: 1160452,
    occurredAt,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 1246965,
    changeSource: 'CRM',
    propertyName: 'email',
    propertyValue: 'jane@example.com',
  });
  const pipedrive = (timestamp: string) => ({
    meta: { action: 'create', entity: 'person', entity_id: '42', id: randomUUID(), timestamp, version: '2.0' },
    data: { id: 42, first_name: 'Linus', emails: [{ value: 'linus@example.com', primary: true }] },
    previous: null,
  });
  function salesforce(commitTimestamp: number) {
    const event = salesforceCdcEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload('sf@example.com') });
    return {
      ...event,
      detail: {
        ...event.detail,
        payload: {
          ...event.detail.payload,
          ChangeEventHeader: { ...event.detail.payload.ChangeEventHeader, commitTimestamp },
        },
      },
    };
  }

  it('each provider is refused naming the field that dates the change, and nothing is logged', async () => {
    const admin = await tenantCaller(t.key, ['admin']);
    const post = (provider: string, body: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/crm-events/${provider}`,
        headers: admin.headers,
        payload: body as object,
      });
    const future = now.getTime() + SKEW + 1_000;
    refusedNaming(
      await post('hubspot', [hubspotEvent(1, now.getTime() - 1_000), hubspotEvent(2, future)]),
      '1.occurredAt',
    );
    refusedNaming(await post('pipedrive', pipedrive(new Date(future).toISOString())), 'meta.timestamp');
    refusedNaming(await post('salesforce', salesforce(future)), 'detail.payload.ChangeEventHeader.commitTimestamp');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/crm-events', headers: admin.headers })).json().events,
    ).toEqual([]);

    const accepted = await post('salesforce', salesforce(now.getTime() + SKEW - 1_000));
    expect(accepted.statusCode, accepted.body).toBe(202);
    expect(accepted.json().events[0]).toMatchObject({ occurredAt: at(SKEW - 1_000) });
  });
});
