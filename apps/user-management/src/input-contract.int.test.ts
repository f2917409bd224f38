import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from './test-support.ts';

let t: TestApp;
let owner: { accessToken: string };
let viewerToken: string;
beforeAll(async () => {
  t = await startTestApp();
  owner = await registerTenant(t.app);
  const email = uniqueEmail('viewer');
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(owner.accessToken),
    payload: { email, role: 'viewer', password: STRONG_PASSWORD },
  });
  expect(created.statusCode, created.body).toBe(201);
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: STRONG_PASSWORD },
  });
  viewerToken = login.json().accessToken;
});
afterAll(async () => t?.close());

describe('strict input', () => {
  it('refuses unknown body fields (another tenant, permissions) naming each, and creates nothing', async () => {
    const email = uniqueEmail('smuggler');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(owner.accessToken),
      payload: {
        email,
        role: 'member',
        password: STRONG_PASSWORD,
        tenantId: '6f1c2a4e-9d3b-4c1a-8e7f-0a1b2c3d4e5f',
        permissions: ['*'],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: 'VALIDATION_ERROR',
      message: 'Request validation failed: 2 problem(s)',
      details: {
        issues: [
          { path: 'tenantId', location: 'body', message: 'unknown field' },
          { path: 'permissions', location: 'body', message: 'unknown field' },
        ],
      },
    });
    const listed = await t.app.inject({ url: '/api/v1/users?pageSize=100', headers: bearer(owner.accessToken) });
    expect(listed.json().items.map((user: { email: string }) => user.email)).not.toContain(email);
  });

  it('refuses a filter it does not know (status[]=) instead of returning every user', async () => {
    const res = await t.app.inject({ url: '/api/v1/users?status[]=deactivated', headers: bearer(owner.accessToken) });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.issues).toEqual([{ path: 'status[]', location: 'query', message: 'unknown parameter' }]);
  });
});

describe('content type and authorization before validation', () => {
  it('answers 415 to text/plain on a JSON route', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/plain' },
      payload: JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD }),
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({
      error: 'UNSUPPORTED_MEDIA_TYPE',
      details: { reason: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' },
    });
  });

  it('answers a viewer 403 before looking at an invalid user', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(viewerToken),
      payload: { email: 'not-an-email', role: 'emperor' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      error: 'FORBIDDEN',
      message: 'Missing permission',
      details: { required: 'users:manage' },
    });
  });
});
