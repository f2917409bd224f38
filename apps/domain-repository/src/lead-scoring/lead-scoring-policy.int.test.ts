import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const url = '/api/v1/lead-scoring-policy';
const put = (headers: Record<string, string>, payload: unknown) =>
  t.app.inject({ method: 'PUT', url, headers, payload: payload as object });
const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

describe('lead-scoring policy routes', () => {
  it('answers the defaults until set, then what was set, by whom; another tenant keeps its defaults', async () => {
    const caller = await tenantCaller(t.key);
    const defaults = { qualifyThreshold: 70, autoQualify: true, updatedAt: null, updatedBy: null };
    expect((await get(caller.headers)).json()).toEqual(defaults);
    const set = await put(caller.headers, { qualifyThreshold: 85, autoQualify: false });
    expect(set.statusCode, set.body).toBe(200);
    const stored = {
      qualifyThreshold: 85,
      autoQualify: false,
      updatedAt: expect.any(String),
      updatedBy: caller.userId,
    };
    expect(set.json()).toEqual(stored);
    expect((await get(caller.headers)).json()).toEqual(stored);
    const other = await tenantCaller(t.key);
    expect((await get(other.headers)).json()).toEqual(defaults);
  });

  it('a field left out takes its default', async () => {
    const caller = await tenantCaller(t.key);
    await put(caller.headers, { qualifyThreshold: 90, autoQualify: false });
    expect((await put(caller.headers, { qualifyThreshold: 60 })).json()).toMatchObject({
      qualifyThreshold: 60,
      autoQualify: true,
    });
  });

  it('refuses a threshold outside 0-100, a fraction and unknown fields, naming each, and stores nothing', async () => {
    const caller = await tenantCaller(t.key);
    const res = await put(caller.headers, { qualifyThreshold: 101, autoQualify: 'yes', tenantId: caller.tenantId });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('VALIDATION_ERROR');
    const paths = res
      .json()
      .details.issues.map((issue: { path: string }) => issue.path)
      .sort();
    expect(paths).toEqual(['autoQualify', 'qualifyThreshold', 'tenantId']);
    expect((await put(caller.headers, { qualifyThreshold: 70.5 })).statusCode).toBe(400);
    expect((await get(caller.headers)).json()).toMatchObject({ qualifyThreshold: 70, updatedBy: null });
  });

  it('checks the permission before the body: a viewer may read, not set', async () => {
    const viewer = await tenantCaller(t.key, ['viewer']);
    expect((await get(viewer.headers)).statusCode).toBe(200);
    const res = await put(viewer.headers, { qualifyThreshold: 'high' });
    expect([res.statusCode, res.json().details]).toEqual([403, { required: 'leads:write' }]);
  });
});
