import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { startFakeSalesforce, salesforceLead, type FakeSalesforce } from './testing/fake-salesforce.ts';
import { cdcLeadPayload, salesforceCdcEvent, salesforceId } from './testing/salesforce-events.ts';

let t: TestApp;
let sf: FakeSalesforce;
let admin: Awaited<ReturnType<typeof tenantCaller>>;
beforeAll(async () => {
  sf = await startFakeSalesforce();
  t = await startTestApp({
    CRM_SALESFORCE_BASE_URL: sf.baseUrl,
    CRM_SALESFORCE_ACCESS_TOKEN: sf.accessToken,
    CRM_MAX_DELIVERIES: '3',
    CRM_RETRY_IDLE_MS: '200',
    CRM_FETCH_ATTEMPTS: '2',
  });
  admin = await tenantCaller(t.key, ['admin']);
});
afterAll(async () => {
  await t?.close();
  await sf?.close();
});

type CrmEvent = {
  id: string;
  status: string;
  duplicate?: boolean;
  attempts: number;
  lastError: string | null;
  outcome: { aggregateId: string | null; result: string; events: string[]; reason?: string }[] | null;
};

async function post(body: unknown, headers = admin.headers, provider = 'salesforce') {
  return t.app.inject({ method: 'POST', url: `/api/v1/crm-events/${provider}`, headers, payload: body as object });
}
async function accept(body: unknown): Promise<CrmEvent> {
  const res = await post(body);
  expect(res.statusCode, res.body).toBe(202);
  return res.json().events[0];
}
const read = async (id: string, headers = admin.headers) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/crm-events/salesforce/${id}`, headers })).json<CrmEvent>();
const settled = (id: string) =>
  eventually(
    () => read(id),
    (e) => expect(e.status).not.toBe('accepted'),
  );
async function lead(id: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
async function leadEventsOnStream(aggregateId: string) {
  const entries = await t.redis.xrange('bizosaas:events:{lead}', '-', '+');
  return entries.map(([, f]) => JSON.parse(f[f.indexOf('envelope') + 1]!)).filter((e) => e.aggregateId === aggregateId);
}

describe('Salesforce CDC through EventBridge', () => {
  it('a CREATE posted twice is logged once and creates one lead, published with the notification as correlation', async () => {
    const email = `grace.${Date.now()}@example.com`;
    const event = salesforceCdcEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload(email) });
    const first = await accept(event);
    expect(first).toMatchObject({
      status: 'accepted',
      duplicate: false,
      provider: 'salesforce',
      changeType: 'create',
      entity: 'Lead',
      externalIds: event.detail.payload.ChangeEventHeader.recordIds,
    });
    const second = await accept(event);
    expect(second).toMatchObject({ id: first.id, duplicate: true });
    const done = await settled(first.id);
    expect(done).toMatchObject({
      status: 'processed',
      attempts: 1,
      outcome: [{ result: 'applied', events: ['lead.created'] }],
    });
    const created = await lead(done.outcome![0]!.aggregateId!);
    expect(created).toMatchObject({
      status: 'new',
      source: 'crm_import',
      contact: { email, firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs', jobTitle: 'Rear Admiral' },
    });
    const onStream = await eventually(
      () => leadEventsOnStream(created.id),
      (events) => expect(events).toHaveLength(1),
    );
    expect(onStream[0]).toMatchObject({
      type: 'lead.created',
      correlationId: first.id,
      causationId: first.id,
      actor: { type: 'system', id: 'crm-salesforce' },
    });

    // The same record in another EventBridge event (a redelivery with a new id) maps to the same lead and adds nothing.
    const again = await accept({ ...event, id: crypto.randomUUID() });
    expect(await settled(again.id)).toMatchObject({
      status: 'processed',
      outcome: [{ aggregateId: created.id, result: 'applied', events: [] }],
    });
    expect((await lead(created.id)).version).toBe(1);
  });

  it('refuses a malformed event with every problem listed, and stores nothing', async () => {
    const good = salesforceCdcEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload('x@example.com') });
    const { 'detail-type': _drop, ...rest } = good;
    const bad = {
      ...rest,
      source: 'aws.partner/hubspot.com/1',
      account: 'abc',
      detail: {
        payload: {
          ...good.detail.payload,
          ChangeEventHeader: {
            ...good.detail.payload.ChangeEventHeader,
            entityName: 'Opportunity',
            recordIds: ['nope'],
            changeType: 'GAP_OVERFLOW',
          },
        },
      },
    };
    const caller = await tenantCaller(t.key, ['admin']);
    const res = await post(bad, caller.headers);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_ERROR');
    const paths = res
      .json()
      .details.issues.map((i: { path: string }) => i.path)
      .sort();
    expect(paths).toEqual([
      'account',
      'detail-type',
      'detail.payload.ChangeEventHeader.changeType',
      'detail.payload.ChangeEventHeader.recordIds.0',
      'source',
    ]);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/crm-events', headers: caller.headers });
    expect(list.json()).toEqual({ events: [], nextCursor: null });
  });

  it('an UPDATE of a record never created here fetches its state through the REST API (missing create)', async () => {
    const id = salesforceId('00Q');
    sf.records.set(id, salesforceLead(id));
    const event = salesforceCdcEvent({
      changeType: 'UPDATE',
      recordIds: [id],
      payload: { Title: 'CTO' },
      changedFields: ['Title'],
    });
    const done = await settled((await accept(event)).id);
    expect(done).toMatchObject({ status: 'processed', outcome: [{ result: 'applied', events: ['lead.created'] }] });
    expect(sf.requests.filter((r) => r.path.endsWith(`/Lead/${id}`))).toEqual([
      { path: `/services/data/v62.0/sobjects/Lead/${id}`, authorization: `Bearer ${sf.accessToken}` },
    ]);
    expect((await lead(done.outcome![0]!.aggregateId!)).contact).toMatchObject({
      email: `ada.${id.toLowerCase()}@example.com`,
      firstName: 'Ada',
      company: 'Analytical Engines Ltd',
    });
  });

  it('keeps an inactive record out until it becomes live, then brings it in from the REST API', async () => {
    const id = salesforceId('00Q');
    const inactive = await settled(
      (
        await accept(
          salesforceCdcEvent({
            recordIds: [id],
            payload: cdcLeadPayload('dormant@example.com', { Status: 'Inactive' }),
          }),
        )
      ).id,
    );
    expect(inactive).toMatchObject({
      status: 'skipped',
      outcome: [{ result: 'skipped', aggregateId: null, reason: 'status "Inactive" is not broadcast (seed 004)' }],
    });
    sf.records.set(id, salesforceLead(id, { Email: 'dormant@example.com', Status: 'Working - Contacted' }));
    const live = await settled(
      (
        await accept(
          salesforceCdcEvent({ changeType: 'UPDATE', recordIds: [id], payload: { Status: 'Working - Contacted' } }),
        )
      ).id,
    );
    expect(live).toMatchObject({ status: 'processed', outcome: [{ result: 'applied', events: ['lead.created'] }] });
  });

  it('mirrors updates of a known lead: contact changes and disqualification', async () => {
    const id = salesforceId('00Q');
    const created = await settled(
      (await accept(salesforceCdcEvent({ recordIds: [id], payload: cdcLeadPayload(`upd.${Date.now()}@example.com`) })))
        .id,
    );
    const leadId = created.outcome![0]!.aggregateId!;
    const update = salesforceCdcEvent({
      changeType: 'UPDATE',
      recordIds: [id],
      payload: { Email: 'New.Address@Example.com', Status: 'Closed - Not Converted' },
      changedFields: ['Email', 'Status', 'Phone'],
      nulledFields: ['Phone'],
    });
    const done = await settled((await accept(update)).id);
    expect(done).toMatchObject({
      status: 'processed',
      outcome: [{ aggregateId: leadId, events: ['lead.contact_updated', 'lead.disqualified'] }],
    });
    expect(await lead(leadId)).toMatchObject({
      status: 'disqualified',
      contact: { email: 'new.address@example.com', phone: null, firstName: 'Grace' },
    });
    const closed = await settled(
      (await accept(salesforceCdcEvent({ changeType: 'UPDATE', recordIds: [id], payload: { Title: 'CEO' } }))).id,
    );
    expect(closed).toMatchObject({
      status: 'skipped',
      outcome: [{ reason: 'lead is disqualified: CRM changes no longer apply' }],
    });
  });

  it('a Contact becomes a customer', async () => {
    const event = salesforceCdcEvent({
      entityName: 'Contact',
      recordIds: [salesforceId('003')],
      payload: { Name: { FirstName: 'Alan', LastName: 'Turing' }, Email: 'alan@example.com' },
    });
    const done = await settled((await accept(event)).id);
    expect(done).toMatchObject({ status: 'processed', outcome: [{ result: 'applied', events: ['customer.created'] }] });
    const customer = await t.app.inject({
      method: 'GET',
      url: `/api/v1/customers/${done.outcome![0]!.aggregateId}`,
      headers: admin.headers,
    });
    expect(customer.json()).toMatchObject({
      profile: { email: 'alan@example.com', firstName: 'Alan', lastName: 'Turing' },
      tier: 'BRONZE',
    });
  });

  it('a record that cannot become a lead is rejected with the reason, not retried', async () => {
    const event = salesforceCdcEvent({
      recordIds: [salesforceId('00Q')],
      payload: { Name: { LastName: 'NoMail' }, Company: 'X' },
    });
    const done = await settled((await accept(event)).id);
    expect(done).toMatchObject({
      status: 'rejected',
      attempts: 1,
      outcome: [{ result: 'rejected', reason: expect.stringContaining('contact.email') }],
    });
  });

  it('retries a failing REST read with backoff, then dead-letters the job after CRM_MAX_DELIVERIES', async () => {
    const id = salesforceId('00Q');
    sf.records.set(id, salesforceLead(id));
    sf.failNext(100, 503);
    const event = await accept(salesforceCdcEvent({ changeType: 'GAP_UPDATE', recordIds: [id] }));
    const dead = await eventually(
      () => read(event.id),
      (e) => expect(e.status).toBe('dead'),
      20_000,
    );
    sf.failNext(0, 503);
    expect(dead).toMatchObject({ attempts: 3, lastError: expect.stringContaining('answered 503') });
    // Two REST tries (CRM_FETCH_ATTEMPTS) per delivery, three deliveries.
    expect(sf.requests.filter((r) => r.path.endsWith(id))).toHaveLength(6);
    const dlq = await t.redis.xrange(`${t.config.CRM_WORK_STREAM}:dlq`, '-', '+');
    expect(dlq.some(([, f]) => f.includes(event.id))).toBe(true);
  });
});

describe('CRM events: access', () => {
  it('another tenant neither reads a notification nor lists it', async () => {
    const mine = await accept(
      salesforceCdcEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload('iso@example.com') }),
    );
    const other = await tenantCaller(t.key, ['admin']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/crm-events/salesforce/${mine.id}`,
      headers: other.headers,
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('TENANT_ISOLATION_VIOLATION');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/crm-events', headers: other.headers })).json().events,
    ).toEqual([]);
  });

  it('a notification is read under its own provider only', async () => {
    const mine = await accept(
      salesforceCdcEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload('own@example.com') }),
    );
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/v1/crm-events/salesforce/${mine.id}`,
      headers: admin.headers,
    });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toMatchObject({ id: mine.id, provider: 'salesforce', entity: 'Lead' });
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: `/api/v1/crm-events/hubspot/${mine.id}`,
      headers: admin.headers,
    });
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().error).toBe('TENANT_ISOLATION_VIOLATION');
  });

  it('needs integrations:manage, and an unknown provider is a validation error', async () => {
    const manager = await tenantCaller(t.key, ['manager']);
    const res = await post(salesforceCdcEvent({ recordIds: [salesforceId('00Q')] }), manager.headers);
    expect(res.statusCode).toBe(403);
    const unknown = await post({}, admin.headers, 'zoho');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details.issues[0]).toMatchObject({ path: 'provider', location: 'params' });
  });
});
