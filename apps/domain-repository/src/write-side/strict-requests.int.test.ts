import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, newLeadBody, startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Issue = { path: string; message: string; location?: string };

/** 400 VALIDATION_ERROR with an issue for each unknown key, at its location (by path or, for a whole object's issue, in its message). */
function refusesUnknown(res: LightMyRequestResponse, keys: string[], location: 'body' | 'query') {
  expect(res.statusCode, res.body).toBe(400);
  const { error, details } = res.json<{ error: string; details: { issues: Issue[] } }>();
  expect(error).toBe('VALIDATION_ERROR');
  for (const key of keys) {
    expect(
      details.issues.some(
        (i) => i.location === location && (i.path.split('.').at(-1) === key || i.message.includes(`"${key}"`)),
      ),
      `${key} named`,
    ).toBe(true);
  }
}

const campaignBody = {
  name: 'Spring',
  campaignType: 'email',
  objective: 'lead_generation',
  channels: ['email'],
  budget: { totalBudget: '1000.00', dailyBudget: '100.00', currency: 'USD' },
  schedule: { startDate: '2030-01-01T00:00:00Z', endDate: null },
};

describe('unknown query parameters', () => {
  it('GET /api/v1/leads?status[]=new is refused, not answered with every lead', async () => {
    const caller = await tenantCaller(t.key);
    for (let i = 0; i < 2; i++)
      await t.app.inject({ method: 'POST', url: '/api/v1/leads', headers: caller.headers, payload: newLeadBody() });
    await eventually(
      () => t.app.inject({ method: 'GET', url: '/api/v1/leads', headers: caller.headers }),
      (res) => expect(res.json().total).toBe(2),
    );
    refusesUnknown(
      await t.app.inject({ method: 'GET', url: '/api/v1/leads?status[]=new&sort=email', headers: caller.headers }),
      ['status[]', 'sort'],
      'query',
    );
  });

  it('every list refuses a parameter it does not know', async () => {
    const admin = await tenantCaller(t.key, ['admin']);
    for (const url of [
      '/api/v1/customers/at-risk?minRisk=10',
      '/api/v1/campaigns/active?status=active',
      '/api/v1/crm-events?cursor=x',
    ]) {
      refusesUnknown(
        await t.app.inject({ method: 'GET', url, headers: admin.headers }),
        [url.split('?')[1]!.split('=')[0]!],
        'query',
      );
    }
  });
});

describe('unknown body fields, at every depth', () => {
  it('POST /api/v1/leads with tenantId and permissions answers 400 naming both, and captures nothing', async () => {
    const caller = await tenantCaller(t.key);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: caller.headers,
      payload: { ...newLeadBody(), tenantId: randomUUID(), permissions: ['leads:delete'] },
    });
    refusesUnknown(res, ['tenantId', 'permissions'], 'body');
    const nested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: caller.headers,
      payload: {
        ...newLeadBody(),
        contact: { email: 'n@example.com', isVip: true },
        utmParameters: { utmSource: 'x', gclid: 'y' },
      },
    });
    refusesUnknown(nested, ['isVip', 'gclid'], 'body');
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/leads', headers: caller.headers });
    expect(listed.json().total).toBe(0);
  });

  it('commands on customers and campaigns refuse unknown fields in nested objects and arrays', async () => {
    const caller = await tenantCaller(t.key, ['admin']);
    const customer = await t.app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: caller.headers,
      payload: { profile: { email: 'c@example.com' } },
    });
    expect(customer.statusCode, customer.body).toBe(201);
    const base = `/api/v1/customers/${customer.json().id}`;
    refusesUnknown(
      await t.app.inject({
        method: 'PUT',
        url: `${base}/preferences`,
        headers: caller.headers,
        payload: { preferences: { email: true, fax: true } },
      }),
      ['fax'],
      'body',
    );
    refusesUnknown(
      await t.app.inject({
        method: 'POST',
        url: `${base}/churn-assessment`,
        headers: caller.headers,
        payload: { force: true },
      }),
      ['force'],
      'body',
    );

    const campaign = await t.app.inject({
      method: 'POST',
      url: '/api/v1/campaigns',
      headers: caller.headers,
      payload: campaignBody,
    });
    expect(campaign.statusCode, campaign.body).toBe(201);
    const url = `/api/v1/campaigns/${campaign.json().id}`;
    const change = {
      kind: 'bid_adjustment',
      channel: 'email',
      description: 'raise',
      previousValue: null,
      newValue: null,
      approvedBy: 'me',
    };
    refusesUnknown(
      await t.app.inject({
        method: 'POST',
        url: `${url}/optimize`,
        headers: caller.headers,
        payload: { optimizationGoal: 'minimize_cpa', changes: [change] },
      }),
      ['approvedBy'],
      'body',
    );
    refusesUnknown(
      await t.app.inject({ method: 'POST', url: `${url}/launch`, headers: caller.headers, payload: { force: true } }),
      ['force'],
      'body',
    );
    refusesUnknown(
      await t.app.inject({
        method: 'POST',
        url: `${url}/budget`,
        headers: caller.headers,
        payload: { budget: { ...campaignBody.budget, spent: '0' } },
      }),
      ['spent'],
      'body',
    );
    expect((await t.app.inject({ method: 'GET', url, headers: caller.headers })).json()).toMatchObject({
      status: 'draft',
      version: 1,
    });
  });
});

describe('permission before the body', () => {
  it('a viewer posting an invalid lead gets 403, not the schema', async () => {
    const viewer = await tenantCaller(t.key, ['viewer']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/leads',
      headers: viewer.headers,
      payload: { contact: { email: 'not an e-mail' }, role: 'owner' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: 'FORBIDDEN', details: { required: 'leads:write' } });
  });

  it('on every aggregate: a missing permission is 403 whatever the body or query holds', async () => {
    const viewer = await tenantCaller(t.key, ['viewer']);
    const id = randomUUID();
    const cases = [
      ['POST', `/api/v1/customers/${id}/purchases`, { orderValue: 'lots' }, 'customers:write'],
      ['POST', `/api/v1/campaigns/${id}/launch`, { now: true }, 'campaigns:launch'],
      ['POST', `/api/v1/leads/${id}/qualify`, { score: 'high' }, 'leads:write'],
      ['GET', '/api/v1/crm-events?status[]=dead', undefined, 'integrations:manage'],
    ] as const;
    for (const [method, url, payload, required] of cases) {
      const res = await t.app.inject({ method, url, headers: viewer.headers, ...(payload && { payload }) });
      expect([url, res.statusCode, res.json().details]).toEqual([url, 403, { required }]);
    }
  });
});
