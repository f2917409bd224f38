import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, registerTenant, startTestApp, uniqueEmail, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_IP: '6',
    LOGIN_LOCKOUT_WINDOW_SECONDS: '600',
  });
});
afterAll(async () => t?.close());

const login = (email: string, password: string, remoteAddress = '198.51.100.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

describe('sign-in limits', () => {
  it('locks an account after N failures, even for the right password, with Retry-After', async () => {
    const reg = await registerTenant(t.app);
    for (let i = 0; i < 3; i += 1)
      expect((await login(reg.user.email, 'wrong password!', '198.51.100.10')).statusCode).toBe(401);
    const locked = await login(reg.user.email, STRONG_PASSWORD, '198.51.100.11');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({
      error: 'RATE_LIMITED',
      details: { reason: 'too_many_failed_logins', scope: 'account' },
    });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
  });

  it('locks unknown e-mails the same way, so lockouts reveal nothing', async () => {
    const ghost = uniqueEmail('ghost');
    for (let i = 0; i < 3; i += 1)
      expect((await login(ghost, 'wrong password!', '198.51.100.20')).statusCode).toBe(401);
    expect((await login(ghost, 'wrong password!', '198.51.100.21')).statusCode).toBe(429);
  });

  it('a successful sign-in clears the account count', async () => {
    const reg = await registerTenant(t.app);
    for (let i = 0; i < 2; i += 1) await login(reg.user.email, 'wrong password!', '198.51.100.30');
    expect((await login(reg.user.email, STRONG_PASSWORD, '198.51.100.30')).statusCode).toBe(200);
    for (let i = 0; i < 2; i += 1) await login(reg.user.email, 'wrong password!', '198.51.100.30');
    expect((await login(reg.user.email, STRONG_PASSWORD, '198.51.100.30')).statusCode).toBe(200);
  });

  it('limits failures per client IP across accounts', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 6; i += 1)
      expect((await login(uniqueEmail('spray'), 'wrong password!', ip)).statusCode).toBe(401);
    const reg = await registerTenant(t.app);
    const blocked = await login(reg.user.email, STRONG_PASSWORD, ip);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().details.scope).toBe('ip');
    expect((await login(reg.user.email, STRONG_PASSWORD, '203.0.113.8')).statusCode).toBe(200);
  });
});
