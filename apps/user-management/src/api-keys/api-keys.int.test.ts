import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
const exchange = (apiKey: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { apiKey } });

describe('API keys', () => {
  it('create -> exchange -> a token with only the key permissions; revoke -> exchange fails', async () => {
    const reg = await registerTenant(t.app);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(reg.accessToken),
      payload: { name: 'CRM sync', permissions: ['leads:read', 'users:read'] },
    });
    expect(created.statusCode).toBe(201);
    const { apiKey, id } = created.json();
    expect(apiKey).toMatch(new RegExp(`^bzk_${reg.tenant.id}_${id}_[A-Za-z0-9_-]{43}$`));

    const list = (await t.app.inject({ url: '/api/v1/api-keys', headers: bearer(reg.accessToken) })).json();
    expect(list.items).toEqual([expect.objectContaining({ id, name: 'CRM sync', revokedAt: null })]);
    // The secret is the last 43 characters (base64url, so it may itself contain '_').
    expect(JSON.stringify(list)).not.toContain(apiKey.slice(-43));

    const token = await exchange(apiKey);
    expect(token.statusCode).toBe(200);
    expect(token.json().expiresIn).toBe(300);
    const claims = claimsOf(token.json().accessToken);
    expect(claims).toMatchObject({
      sub: id,
      tenant_id: reg.tenant.id,
      roles: ['api-key'],
      permissions: ['leads:read', 'users:read'],
      plan: 'free',
    });
    expect(claims).not.toHaveProperty('sid');

    const headers = bearer(token.json().accessToken);
    expect((await t.app.inject({ url: '/api/v1/users', headers })).statusCode).toBe(200);
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers,
      payload: { email: uniqueEmail(), role: 'member', password: STRONG_PASSWORD },
    });
    expect(write.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/v1/sessions', headers })).statusCode).toBe(403);

    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${id}`,
      headers: bearer(reg.accessToken),
    });
    expect(revoke.statusCode).toBe(204);
    const after = await exchange(apiKey);
    expect(after.statusCode).toBe(401);
    expect(after.json().details.reason).toBe('invalid_api_key');
  });

  it('refuses permissions the creator lacks, wrong secrets and other tenants', async () => {
    const reg = await registerTenant(t.app);
    const email = uniqueEmail('admin');
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(reg.accessToken),
      payload: { email, role: 'admin', password: STRONG_PASSWORD },
    });
    const admin = (
      await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: STRONG_PASSWORD } })
    ).json();
    const tooMuch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: bearer(admin.accessToken),
      payload: { name: 'x', permissions: ['tenant:manage'] },
    });
    expect(tooMuch.statusCode).toBe(403);
    expect(tooMuch.json().details.missing).toEqual(['tenant:manage']);

    const key = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        headers: bearer(admin.accessToken),
        payload: { name: 'ok', permissions: ['leads:read'] },
      })
    ).json();
    const tampered = key.apiKey.slice(0, -4) + (key.apiKey.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await exchange(tampered)).statusCode).toBe(401);
    const other = await registerTenant(t.app);
    const moved = key.apiKey.replace(reg.tenant.id, other.tenant.id);
    expect((await exchange(moved)).statusCode).toBe(401);
    expect((await exchange('bzk_garbage')).statusCode).toBe(401);
    const foreignDelete = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/api-keys/${key.id}`,
      headers: bearer(other.accessToken),
    });
    expect(foreignDelete.statusCode).toBe(404);
  });
});
