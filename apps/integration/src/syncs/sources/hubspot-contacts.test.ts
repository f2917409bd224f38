import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy, createOutboundHttp } from '@bizosaas/outbound-http';
import { startHubspotServer, type HubspotServer } from '../../testing/hubspot-server.ts';
import { providerCall } from '../provider-call.ts';
import { contactRecord, hubspotContacts, keptContact } from './hubspot-contacts.ts';

const http = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
let hubspot: HubspotServer;
beforeAll(async () => {
  hubspot = await startHubspotServer({ contacts: 250 });
});
afterAll(async () => {
  await hubspot.close();
  await http.close();
});

const source = (token = hubspot.accessToken) => {
  const call = providerCall({
    http,
    name: 'HubSpot',
    secrets: [token],
    signal: new AbortController().signal,
    initialDelayMs: 1,
  });
  return hubspotContacts(call, hubspot.baseUrl, { authorization: `Bearer ${token}` });
};

async function allPages(from: string | null = null) {
  const pages = [];
  for (let position = from; ;) {
    const page = await source().fetch(position, null);
    pages.push(page);
    if (page.next === null) return pages;
    position = page.next;
  }
}

describe('HubSpot contacts paging', () => {
  it('reads 100 per page, linked by paging.next.after, to the last page', async () => {
    const start = hubspot.requests.length;
    const pages = await allPages();
    expect(pages.map((p) => p.records.length)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.next)).toEqual(['101', '201', null]);
    expect(hubspot.requests.slice(start).map((r) => r.after)).toEqual([null, '101', '201']);
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.externalId))).size).toBe(250);
    expect(pages[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(pages[0]!.crmRecords!.get('1')).toEqual({
      id: '1',
      properties: expect.objectContaining({ email: 'contact1@example.com', hs_lead_status: 'IN_PROGRESS' }),
      createdAt: '2025-01-06T09:00:00.000Z',
      updatedAt: '2025-01-06T09:00:00.000Z',
      archived: false,
    });
  });

  it('waits out a 429 (Retry-After) and asks for the same page again', async () => {
    const start = hubspot.requests.length;
    hubspot.throttle([start + 2], 0);
    const pages = await allPages();
    expect(pages).toHaveLength(3);
    expect(hubspot.requests.slice(start).map((r) => [r.after, r.status])).toEqual([
      [null, 200],
      ['101', 429],
      ['101', 200],
      ['201', 200],
    ]);
  });

  it('retries a 5xx, and fails on a refused token', async () => {
    const start = hubspot.requests.length;
    hubspot.failNext(2, 502);
    expect((await source().fetch(null, null)).records).toHaveLength(100);
    expect(hubspot.requests.slice(start).map((r) => r.status)).toEqual([502, 502, 200]);
    await expect(source('not-the-token').fetch(null, null)).rejects.toThrow(
      /^HubSpot answered 401: .*INVALID_AUTHENTICATION/,
    );
  });

  it('leaves archived contacts out, and a changed contact gets another hash', async () => {
    const before = new Map((await allPages()).flatMap((p) => p.records.map((r) => [r.externalId, r.contentHash])));
    hubspot.update(['7']);
    hubspot.remove(['100', '101']);
    const after = new Map((await allPages()).flatMap((p) => p.records.map((r) => [r.externalId, r.contentHash])));
    expect(after.size).toBe(248);
    expect(after.has('100') || after.has('101')).toBe(false);
    expect(after.get('7')).not.toBe(before.get('7'));
    expect([...after].filter(([id, hash]) => before.get(id) !== hash).map(([id]) => id)).toEqual(['7']);
  });
});

describe('what the sync keeps of a contact', () => {
  const contact = {
    id: '42',
    properties: {
      email: 'a@example.com',
      firstname: 'Ada',
      lastmodifieddate: '2025-01-01T00:00:00Z',
      hs_object_id: '42',
    },
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    archived: false,
  };

  it("is the asked-for properties (null when absent) and the archived flag; updatedAt and HubSpot's own properties do not count", () => {
    const kept = keptContact(contact);
    expect(kept.properties).toEqual({
      email: 'a@example.com',
      firstname: 'Ada',
      lastname: null,
      phone: null,
      company: null,
      jobtitle: null,
      hs_lead_status: null,
    });
    const touched = keptContact({
      ...contact,
      updatedAt: '2025-02-01T00:00:00Z',
      properties: { ...contact.properties, lastmodifieddate: '2025-02-01T00:00:00Z' },
    });
    expect(contactRecord(touched).contentHash).toBe(contactRecord(kept).contentHash);
    expect(contactRecord(keptContact({ ...contact, archived: true })).contentHash).not.toBe(
      contactRecord(kept).contentHash,
    );
    expect(JSON.parse(contactRecord(kept).fields)).toEqual({ archived: false, properties: kept.properties });
  });
});
