import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, newLeadBody, score, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function createLead(headers: Record<string, string>, extra: Record<string, string> = {}, body = newLeadBody()) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/leads',
    headers: { ...headers, ...extra },
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; version: number; status: string }>();
}

/** Envelopes of one aggregate on a Redis stream, in stream order. */
async function streamEvents(stream: string, aggregateId: string) {
  const entries = await t.redis.xrange(stream, '-', '+');
  return entries
    .map(
      ([, fields]) =>
        JSON.parse(fields[fields.indexOf('envelope') + 1]!) as {
          type: string;
          aggregateId: string;
          correlationId: string;
          causationId: string | null;
          actor: { id: string };
          aggregateVersion: number;
        },
    )
    .filter((e) => e.aggregateId === aggregateId);
}

describe('lead write side (seed 000 flow)', () => {
  it('create -> qualify -> convert yields a customer, readable by GET', async () => {
    const caller = await tenantCaller(t.key);
    const lead = await createLead(caller.headers);
    expect(lead).toMatchObject({ status: 'new', version: 1 });
    const qualified = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/qualify`,
      headers: caller.headers,
      payload: { score },
    });
    expect(qualified.statusCode, qualified.body).toBe(200);
    expect(qualified.json()).toMatchObject({ status: 'qualified', version: 2, qualifiedBy: caller.userId, score });
    const converted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/convert`,
      headers: caller.headers,
      payload: { conversionValue: '5000.00' },
    });
    expect(converted.statusCode, converted.body).toBe(200);
    const { customer } = converted.json();
    expect(converted.json().lead).toMatchObject({
      status: 'converted',
      customerId: customer.id,
      conversionValue: '5000.00',
      currency: 'USD',
    });
    expect(customer).toMatchObject({
      leadId: lead.id,
      tier: 'SILVER',
      metrics: { totalRevenue: '5000.00', purchaseCount: 1 },
    });
    const read = await t.app.inject({
      method: 'GET',
      url: `/api/v1/customers/${customer.id}`,
      headers: caller.headers,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id: customer.id,
      profile: { email: expect.stringContaining('@example.com'), companyName: 'Example Corp' },
    });
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/convert`,
      headers: caller.headers,
      payload: { conversionValue: '1.00' },
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().details).toEqual({
      rule: 'lead.convert.already_converted',
      currentStatus: 'converted',
      leadId: lead.id,
    });
  });

  it('converting an unqualified lead answers 422 with details.currentStatus', async () => {
    const caller = await tenantCaller(t.key);
    const lead = await createLead(caller.headers);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/convert`,
      headers: caller.headers,
      payload: { conversionValue: '5000.00' },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      error: 'BUSINESS_RULE_VIOLATION',
      message: 'Cannot convert unqualified lead to customer',
      details: { rule: 'lead.convert.requires_qualified', currentStatus: 'new', leadId: lead.id },
    });
  });

  it('two concurrent qualifies at the same version: one 200, one 409 with both versions', async () => {
    const caller = await tenantCaller(t.key);
    const lead = await createLead(caller.headers);
    const qualify = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/leads/${lead.id}/qualify`,
        headers: { ...caller.headers, 'if-match': '"1"' },
        payload: { score },
      });
    const results = await Promise.all([qualify(), qualify()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const conflict = results.find((r) => r.statusCode === 409)!.json();
    expect(conflict).toMatchObject({
      error: 'CONCURRENCY_EXCEPTION',
      details: { expectedVersion: 1, actualVersion: 2 },
    });
  });

  it('a stale expectedVersion in the body answers 409 and stores nothing', async () => {
    const caller = await tenantCaller(t.key);
    const lead = await createLead(caller.headers);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/contact`,
      headers: caller.headers,
      payload: { channel: 'call', expectedVersion: 0 },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().details).toEqual({ expectedVersion: 0, actualVersion: 1 });
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/leads/${lead.id}`, headers: caller.headers });
    expect(read.json()).toMatchObject({ status: 'new', version: 1 });
  });

  it("another tenant's lead id and a missing one give the same 404 TENANT_ISOLATION_VIOLATION", async () => {
    const owner = await tenantCaller(t.key);
    const other = await tenantCaller(t.key);
    const lead = await createLead(owner.headers);
    for (const [url, method] of [
      [`/api/v1/leads/${lead.id}`, 'GET'],
      [`/api/v1/leads/${lead.id}/qualify`, 'POST'],
      [`/api/v1/leads/${randomUUID()}`, 'GET'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        headers: other.headers,
        ...(method === 'POST' && { payload: { score } }),
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: 'TENANT_ISOLATION_VIOLATION',
        message: 'Entity not found or access denied',
        details: { tenantId: other.tenantId },
      });
    }
  });

  it('an X-Tenant-ID disagreeing with the token is refused', async () => {
    const caller = await tenantCaller(t.key);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { ...caller.headers, 'x-tenant-id': randomUUID() },
      payload: newLeadBody(),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('FORBIDDEN');
  });

  it('a viewer cannot write', async () => {
    const viewer = await tenantCaller(t.key, ['viewer']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: viewer.headers,
      payload: newLeadBody(),
    });
    expect(res.statusCode).toBe(403);
  });

  it('a retry with the same Idempotency-Key returns the first result and appends nothing', async () => {
    const caller = await tenantCaller(t.key);
    const key = { 'idempotency-key': randomUUID() };
    const body = newLeadBody();
    const first = await createLead(caller.headers, key, body);
    const second = await createLead(caller.headers, key, body);
    expect(second).toEqual(first);
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: { ...caller.headers, ...key },
      payload: newLeadBody(),
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().details.rule).toBe('idempotency_key.reused');
    const list = await eventually(
      () => t.app.inject({ method: 'GET', url: '/api/v1/leads', headers: caller.headers }).then((r) => r.json()),
      (page) => expect(page.total).toBe(1),
    );
    expect(list.items[0].id).toBe(first.id);
  });

  it('each change reaches the Redis stream with correlation, causation and actor', async () => {
    const caller = await tenantCaller(t.key);
    const correlation = { 'x-correlation-id': `test-${randomUUID()}` };
    const lead = await createLead(caller.headers, correlation);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/contact`,
      headers: { ...caller.headers, ...correlation },
      payload: { channel: 'email' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/interactions`,
      headers: { ...caller.headers, ...correlation },
      payload: { kind: 'call', summary: 'Intro call' },
    });
    const events = await eventually(
      () => streamEvents('bizosaas:events:{lead}', lead.id),
      (e) => expect(e).toHaveLength(3),
    );
    expect(events.map((e) => [e.type, e.aggregateVersion])).toEqual([
      ['lead.created', 1],
      ['lead.contacted', 2],
      ['lead.interaction_recorded', 3],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({
        correlationId: correlation['x-correlation-id'],
        causationId: correlation['x-correlation-id'],
        actor: { id: caller.userId },
      });
    }
  });

  it("a conversion's customer events are caused by lead.converted, in the same correlation", async () => {
    const caller = await tenantCaller(t.key);
    const correlation = { 'x-correlation-id': `test-${randomUUID()}` };
    const lead = await createLead(caller.headers, correlation);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/qualify`,
      headers: { ...caller.headers, ...correlation },
      payload: { score },
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${lead.id}/convert`,
      headers: { ...caller.headers, ...correlation },
      payload: { conversionValue: '100.00' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const leadEvents = await eventually(
      () => streamEvents('bizosaas:events:{lead}', lead.id),
      (e) => expect(e).toHaveLength(3),
    );
    const converted = leadEvents.find((e) => e.type === 'lead.converted') as unknown as {
      id: string;
      causationId: string;
    };
    expect(converted.causationId).toBe(correlation['x-correlation-id']);
    const customerEvents = await eventually(
      () => streamEvents('bizosaas:events:{customer}', res.json().customer.id),
      (e) => expect(e.length).toBeGreaterThanOrEqual(2),
    );
    expect(customerEvents[0]!.type).toBe('customer.created');
    for (const e of customerEvents)
      expect(e).toMatchObject({ correlationId: correlation['x-correlation-id'], causationId: converted.id });
  });

  it('the lead list filters by status and source and pages', async () => {
    const caller = await tenantCaller(t.key);
    const leads = [
      await createLead(caller.headers),
      await createLead(caller.headers),
      await createLead(caller.headers),
    ];
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/leads/${leads[0]!.id}/disqualify`,
      headers: caller.headers,
      payload: { reason: 'No budget' },
    });
    const get = (query: string) =>
      t.app.inject({ method: 'GET', url: `/api/v1/leads?${query}`, headers: caller.headers }).then((r) => r.json());
    await eventually(
      () => get('status=disqualified'),
      (page) => expect(page.items.map((i: { id: string }) => i.id)).toEqual([leads[0]!.id]),
    );
    const page = await get('status=new&source=website_form&limit=1');
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page.items).toHaveLength(1);
    expect((await get('source=referral')).total).toBe(0);
  });
});
