// The HubSpot and Pipedrive clients against local servers speaking those APIs' formats
// (Salesforce's is exercised end to end in crm-ingestion.int.test.ts).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAddressPolicy, createOutboundHttp, OutboundAddressRefusedError } from '@bizosaas/outbound-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrmHttp } from './crm-http.ts';
import { crmRecordReaders } from './crm-record-readers.ts';

const seen: { url: string; headers: Record<string, unknown> }[] = [];
let status = 200;
const server = createServer((req, res) => {
  seen.push({ url: req.url ?? '', headers: req.headers });
  const send = (code: number, body: unknown) =>
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (status !== 200) return send(status, { status: 'error', message: 'nope' });
  if (req.url?.startsWith('/crm/v3/objects/contacts/51')) {
    return send(200, {
      id: '51',
      properties: {
        email: 'bcooper@biglytics.net',
        firstname: 'Bryan',
        lastname: 'Cooper',
        phone: '(877) 929-0687',
        company: 'Biglytics',
        hs_lead_status: 'IN_PROGRESS',
        hs_object_id: '51',
      },
      archived: false,
    });
  }
  if (req.url === '/api/v2/persons/7') {
    return send(200, {
      success: true,
      data: {
        id: 7,
        name: 'Grace H',
        first_name: 'Grace',
        last_name: 'H',
        emails: [{ value: 'gh@example.com', primary: true, label: 'work' }],
        phones: [],
      },
    });
  }
  return send(404, { success: false, error: 'not found' });
});
let readers: ReturnType<typeof crmRecordReaders>;
let base: string;
// The local CRM servers listen on 127.0.0.1, which development allows and production refuses.
const outbound = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
const refusing = createOutboundHttp({ policy: createAddressPolicy() });

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  readers = crmRecordReaders(
    {
      salesforce: { apiVersion: '62.0' },
      hubspot: { baseUrl: base, accessToken: 'pat-na1-test' },
      pipedrive: { baseUrl: `${base}/`, apiToken: 'pd-token' },
    },
    createCrmHttp({ http: outbound, timeoutMs: 2000, maxAttempts: 2, initialDelayMs: 10 }),
  );
});
afterAll(async () => {
  await Promise.all([outbound.close(), refusing.close()]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('CRM REST readers', () => {
  it('HubSpot: reads the contact properties with the bearer token', async () => {
    expect(await readers.hubspot('contact', '51')).toEqual({
      email: 'bcooper@biglytics.net',
      firstName: 'Bryan',
      lastName: 'Cooper',
      phone: '(877) 929-0687',
      company: 'Biglytics',
      status: 'IN_PROGRESS',
      stage: 'contacted',
    });
    const request = seen.at(-1)!;
    expect(request.url).toBe(
      '/crm/v3/objects/contacts/51?properties=email%2Cfirstname%2Clastname%2Cphone%2Ccompany%2Cjobtitle%2Chs_lead_status',
    );
    expect(request.headers.authorization).toBe('Bearer pat-na1-test');
  });

  it('Pipedrive: reads the v2 person with the API token header; a missing one is null', async () => {
    expect(await readers.pipedrive('person', '7')).toEqual({
      firstName: 'Grace',
      lastName: 'H',
      email: 'gh@example.com',
      phone: null,
    });
    expect(seen.at(-1)!.headers['x-api-token']).toBe('pd-token');
    expect(await readers.pipedrive('person', '8')).toBeNull();
  });

  it('retries a 5xx, then fails naming the status; an unconfigured provider names its variables', async () => {
    status = 502;
    const before = seen.length;
    await expect(readers.hubspot('contact', '51')).rejects.toThrow(/answered 502/);
    expect(seen.length - before).toBe(2);
    status = 200;
    await expect(readers.salesforce('Lead', '00Q')).rejects.toThrow(
      'the Salesforce REST API is not configured (CRM_SALESFORCE_BASE_URL, CRM_SALESFORCE_ACCESS_TOKEN)',
    );
  });

  it('refuses a CRM API at a private or loopback address without sending or retrying', async () => {
    const guarded = crmRecordReaders(
      {
        salesforce: { apiVersion: '62.0' },
        hubspot: { baseUrl: base, accessToken: 'pat-na1-test' },
        pipedrive: {},
      },
      createCrmHttp({ http: refusing, timeoutMs: 2000, maxAttempts: 3, initialDelayMs: 10 }),
    );
    const before = seen.length;
    const refused = await guarded.hubspot('contact', '51').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OutboundAddressRefusedError);
    expect((refused as OutboundAddressRefusedError).details).toEqual({
      host: '127.0.0.1',
      address: '127.0.0.1',
      rule: 'loopback',
      stage: 'url',
    });
    expect(seen.length).toBe(before);
  });
});
