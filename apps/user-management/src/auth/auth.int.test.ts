import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, bearer, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t?.close());

const post = (url: string, payload: object, headers = {}) => t.app.inject({ method: 'POST', url, payload, headers });

describe('register, login, me', () => {
  it('registers a tenant on the free plan with its owner, signed in', async () => {
    const body = await registerTenant(t.app, { tenantName: 'Société Générale & Co', firstName: 'Ada' });
    expect(body.tenant).toMatchObject({ plan: 'free', billingCycle: 'monthly' });
    expect(body.tenant.slug).toMatch(/^societe-generale-co(-[0-9a-f]{6})?$/);
    expect(body.user).toMatchObject({
      role: 'owner',
      status: 'active',
      firstName: 'Ada',
      lastName: null,
      tenantId: body.tenant.id,
    });
    expect(body.expiresIn).toBe(900);
    expect(body.refreshToken.startsWith(`${body.tenant.id}.`)).toBe(true);
    const me = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(body.user);
  });

  it('gives a second tenant with the same name another slug', async () => {
    const a = await registerTenant(t.app, { tenantName: 'Same Name Ltd' });
    const b = await registerTenant(t.app, { tenantName: 'Same Name Ltd' });
    expect(a.tenant.slug).not.toBe(b.tenant.slug);
    expect(b.tenant.slug).toMatch(/^same-name-ltd/);
  });

  it('refuses weak passwords with every problem', async () => {
    const email = uniqueEmail();
    const res = await post('/api/v1/auth/register', { tenantName: 'Weak', email, password: email });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_ERROR');
    expect(res.json().details.issues.map((i: { message: string }) => i.message)).toContain(
      'must not be the e-mail address',
    );
  });

  it('signs in with the password and answers a wrong password exactly like an unknown e-mail', async () => {
    const reg = await registerTenant(t.app);
    const ok = await post('/api/v1/auth/login', { email: reg.user.email.toUpperCase(), password: STRONG_PASSWORD });
    expect(ok.statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(ok.json().accessToken) });
    expect(me.json().id).toBe(reg.user.id);

    const wrong = await post('/api/v1/auth/login', { email: reg.user.email, password: 'not the password' });
    const unknown = await post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({
      error: 'UNAUTHENTICATED',
      message: 'Invalid email or password',
      details: { reason: 'invalid_credentials' },
    });
  });

  it('asks which tenant when the e-mail and password match in several, listing only those', async () => {
    const email = uniqueEmail('multi');
    const a = await registerTenant(t.app, { email, tenantName: 'Multi A' });
    const b = await registerTenant(t.app, { email, tenantName: 'Multi B' });
    const wrong = await post('/api/v1/auth/login', { email, password: 'wrong password here' });
    expect(wrong.statusCode).toBe(401);
    const res = await post('/api/v1/auth/login', { email, password: STRONG_PASSWORD });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('TENANT_SELECTION_REQUIRED');
    expect(res.json().details.tenants).toEqual([
      { id: a.tenant.id, name: 'Multi A' },
      { id: b.tenant.id, name: 'Multi B' },
    ]);
    const chosen = await post('/api/v1/auth/login', { email, password: STRONG_PASSWORD, tenantId: b.tenant.id });
    expect(chosen.statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/v1/users/me', headers: bearer(chosen.json().accessToken) });
    expect(me.json()).toMatchObject({ id: b.user.id, tenantId: b.tenant.id });
  });

  it('refuses requests without a token, and with an X-Tenant-ID of another tenant', async () => {
    const reg = await registerTenant(t.app);
    expect((await t.app.inject({ url: '/api/v1/users/me' })).statusCode).toBe(401);
    const other = await t.app.inject({
      url: '/api/v1/users/me',
      headers: { ...bearer(reg.accessToken), 'x-tenant-id': '00000000-0000-4000-8000-000000000000' },
    });
    expect(other.statusCode).toBe(403);
    expect(other.json().details.reason).toBe('tenant_mismatch');
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens; a spent one revokes the whole family', async () => {
    const reg = await registerTenant(t.app);
    const first = await post('/api/v1/auth/refresh', { refreshToken: reg.refreshToken });
    expect(first.statusCode).toBe(200);
    const second = first.json().refreshToken as string;
    expect(second).not.toBe(reg.refreshToken);
    expect(
      (await t.app.inject({ url: '/api/v1/users/me', headers: bearer(first.json().accessToken) })).statusCode,
    ).toBe(200);

    const reuse = await post('/api/v1/auth/refresh', { refreshToken: reg.refreshToken });
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().details.reason).toBe('refresh_token_reused');
    // The family is gone: the newer token, never used, fails too.
    const after = await post('/api/v1/auth/refresh', { refreshToken: second });
    expect(after.statusCode).toBe(401);
    expect(after.json().details.reason).toBe('invalid_refresh_token');
  });

  it('refuses garbage and unknown refresh tokens', async () => {
    expect((await post('/api/v1/auth/refresh', { refreshToken: 'nope' })).statusCode).toBe(401);
    const reg = await registerTenant(t.app);
    const forged = `${reg.tenant.id}.${'A'.repeat(43)}`;
    expect((await post('/api/v1/auth/refresh', { refreshToken: forged })).json().details.reason).toBe(
      'invalid_refresh_token',
    );
  });

  it('logout ends the caller session only', async () => {
    const reg = await registerTenant(t.app);
    const other = (await post('/api/v1/auth/login', { email: reg.user.email, password: STRONG_PASSWORD })).json();
    const out = await post('/api/v1/auth/logout', {}, bearer(reg.accessToken));
    expect(out.statusCode).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refreshToken: reg.refreshToken })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: other.refreshToken })).statusCode).toBe(200);
  });
});

describe('JWKS', () => {
  it('serves the signing keys with kid, alg and use, and only public parts', async () => {
    const res = await t.app.inject({ url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    const { keys } = res.json<{ keys: Record<string, string>[] }>();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(key.kid).toMatch(/^ed25519-/);
      expect(key).not.toHaveProperty('d');
    }
  });
});
