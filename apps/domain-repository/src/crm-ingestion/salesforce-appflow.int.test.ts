import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { awsAppFlowSample, cdcLeadPayload, salesforceAppFlowEvent, salesforceId } from './testing/salesforce-events.ts';

let t: TestApp;
let admin: Awaited<ReturnType<typeof tenantCaller>>;
beforeAll(async () => {
  t = await startTestApp();
  admin = await tenantCaller(t.key, ['admin']);
});
afterAll(async () => {
  await t?.close();
});

type CrmEvent = {
  id: string;
  status: string;
  entity: string;
  externalIds: string[];
  outcome: { aggregateId: string | null; result: string; events: string[] }[] | null;
};

async function accept(body: unknown): Promise<CrmEvent> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/crm-events/salesforce',
    headers: admin.headers,
    payload: body as object,
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().events[0];
}
async function listed(id: string): Promise<CrmEvent | undefined> {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/crm-events', headers: admin.headers });
  return (res.json().events as CrmEvent[]).find((e) => e.id === id);
}

describe('Salesforce through Amazon AppFlow and EventBridge', () => {
  it("AWS's documented sample (an Account change) is accepted and logged as skipped: Accounts are not ingested", async () => {
    const event = await accept(awsAppFlowSample);
    expect(event).toMatchObject({ status: 'skipped', entity: 'Account', externalIds: [], outcome: null });
    expect(await listed(event.id)).toMatchObject({ status: 'skipped' });
  });

  it('a Lead CREATE in the AppFlow shape creates the lead as the Event Relay shape does', async () => {
    const email = `appflow.${Date.now()}@example.com`;
    const event = await accept(
      salesforceAppFlowEvent({ recordIds: [salesforceId('00Q')], payload: cdcLeadPayload(email) }),
    );
    expect(event).toMatchObject({ status: 'accepted', entity: 'Lead' });
    const done = await eventually(
      () => listed(event.id),
      (e) => expect(e?.status).toBe('processed'),
    );
    expect(done!.outcome).toMatchObject([{ result: 'applied', events: ['lead.created'] }]);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/leads/${done!.outcome![0]!.aggregateId}`,
      headers: admin.headers,
    });
    expect(res.json()).toMatchObject({
      source: 'crm_import',
      contact: { email, firstName: 'Grace', lastName: 'Hopper', company: 'Navy Labs' },
    });
  });
});
