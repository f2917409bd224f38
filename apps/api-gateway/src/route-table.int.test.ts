import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoService, startTestGateway, type EchoService, type TestGateway } from './test-support/gateway-fixture.ts';

let gw: TestGateway;
let users: EchoService;

beforeAll(async () => {
  users = await echoService('user-management');
  gw = await startTestGateway({ upstreams: { USER_MANAGEMENT_URL: users.url } });
});
afterAll(async () => {
  await gw?.close();
  await users?.app.close();
});

describe('internal routes at the gateway', () => {
  it('answers 404 to the service-token grant, with credentials or a token, and never forwards it', async () => {
    const basic = `Basic ${Buffer.from('integration:a-secret').toString('base64')}`;
    const payload = { tenantId: '6f1c2a4e-9d3b-4c1a-8e7f-0a1b2c3d4e5f', permissions: ['integrations:manage'] };
    const before = users.hits();
    for (const [url, authorization] of [
      ['/api/v1/auth/service-tokens', basic],
      ['/api/v1/auth/service%2Dtokens', basic],
      ['/api/v1/auth/service-tokens', (await gw.bearer()).authorization],
    ] as const) {
      const res = await gw.gateway.inject({ method: 'POST', url, headers: { authorization }, payload });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: 'NOT_FOUND', details: { path: url } });
    }
    expect(users.hits()).toBe(before);
  });

  it('still forwards the public routes beside it', async () => {
    const res = await gw.gateway.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { apiKey: 'k' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'user-management', url: '/api/v1/auth/token' });
  });
});
