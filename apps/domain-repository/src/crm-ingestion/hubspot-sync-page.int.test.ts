import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

// No CRM_HUBSPOT_ACCESS_TOKEN: a record read back from HubSpot would fail its job, so every
// lead below comes from the forwarded page alone.
let t: TestApp;
let admin: Awaited<ReturnType<typeof tenantCaller>>;
beforeAll(async () => {
  t = await startTestApp({ CRM_MAX_DELIVERIES: '1' });
  admin = await tenantCaller(t.key, ['admin']);
});
afterAll(async () => {
  await t?.close();
});

type CrmEvent = {
  id: string;
  status: string;
  duplicate: boolean;
  changeType: string;
  outcome: { aggregateId: string; events: string[]; reason?: string }[] | null;
};

const contact = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  properties: {
    email: `contact${id}@example.com`,
    firstname: 'Grace',
    lastname: 'Hopper',
    phone: null,
    company: 'Navy Labs',
    jobtitle: 'Rear Admiral',
    hs_lead_status: 'NEW',
  },
  createdAt: '2025-01-06T09:00:00.000Z',
  updatedAt: '2025-01-06T09:00:00.000Z',
  archived: false,
  ...over,
});

async function forward(syncId: string, results: unknown[], page = 1) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/crm-events/hubspot',
    headers: admin.headers,
    payload: { source: { type: 'integration_sync', syncId, runId: randomUUID(), page }, results },
  });
  expect(res.statusCode, res.body).toBe(202);
  return res.json<{ events: CrmEvent[] }>().events;
}

const settled = (id: string) =>
  eventually(
    async () =>
      (
        await t.app.inject({ method: 'GET', url: `/api/v1/crm-events/hubspot/${id}`, headers: admin.headers })
      ).json<CrmEvent>(),
    (event) => expect(event.status).not.toBe('accepted'),
  );

async function lead(id: string) {
  return (await t.app.inject({ method: 'GET', url: `/api/v1/leads/${id}`, headers: admin.headers })).json();
}

describe('CRM ingestion of a page forwarded by a sync', () => {
  it('creates each lead from the record itself; the same page again is a duplicate and queues nothing', async () => {
    const syncId = randomUUID();
    const first = await forward(syncId, [
      contact('501'),
      contact('502', { properties: { ...contact('502').properties, hs_lead_status: 'UNQUALIFIED' } }),
    ]);
    expect(first.map((e) => [e.duplicate, e.changeType])).toEqual([
      [false, 'update'],
      [false, 'update'],
    ]);
    const again = await forward(
      syncId,
      [contact('501'), contact('502', { properties: { ...contact('502').properties, hs_lead_status: 'UNQUALIFIED' } })],
      2,
    );
    expect(again.map((e) => [e.id, e.duplicate])).toEqual(first.map((e) => [e.id, true]));
    const [created, disqualified] = [await settled(first[0]!.id), await settled(first[1]!.id)];
    expect(created).toMatchObject({ status: 'processed', outcome: [{ events: ['lead.created'] }] });
    expect(disqualified).toMatchObject({
      status: 'processed',
      outcome: [{ events: ['lead.created', 'lead.disqualified'] }],
    });
    expect(await lead(created.outcome![0]!.aggregateId)).toMatchObject({
      status: 'new',
      source: 'crm_import',
      contact: {
        email: 'contact501@example.com',
        firstName: 'Grace',
        lastName: 'Hopper',
        company: 'Navy Labs',
        phone: null,
      },
    });
  });

  it('a new version updates the lead; an archived record loses it', async () => {
    const syncId = randomUUID();
    const [created] = await forward(syncId, [contact('601')]);
    const leadId = (await settled(created!.id)).outcome![0]!.aggregateId;
    const newer = contact('601', {
      updatedAt: '2025-01-08T09:00:00.000Z',
      properties: { ...contact('601').properties, jobtitle: 'CTO' },
    });
    const [updated] = await forward(syncId, [newer], 2);
    expect(updated).toMatchObject({ duplicate: false });
    expect(await settled(updated!.id)).toMatchObject({
      status: 'processed',
      outcome: [{ aggregateId: leadId, events: ['lead.contact_updated'] }],
    });
    expect((await lead(leadId)).contact.jobTitle).toBe('CTO');
    const gone = {
      ...contact('601'),
      properties: {},
      archived: true,
      updatedAt: newer.updatedAt,
      archivedAt: '2025-02-01T00:00:00.000Z',
    };
    const [deleted] = await forward(syncId, [gone], 3);
    expect(deleted).toMatchObject({ changeType: 'delete' });
    expect(await settled(deleted!.id)).toMatchObject({
      status: 'processed',
      outcome: [{ aggregateId: leadId, events: ['lead.lost'] }],
    });
  });
});
