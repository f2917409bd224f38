import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '@bizosaas/db';
import { openApiProblems } from '@bizosaas/service-kit/testing';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { settingsFeature } from './settings.routes.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({}, { features: [settingsFeature] });
});
afterAll(async () => {
  await t?.close();
});

const URL = '/api/v1/agents/settings';
type Caller = Awaited<ReturnType<typeof tenantCaller>>;
const get = (caller: Caller, app = t.app) => app.inject({ method: 'GET', url: URL, headers: caller.headers });
const put = (caller: Caller, payload: object, app = t.app) =>
  app.inject({ method: 'PUT', url: URL, headers: caller.headers, payload });

const apiKey = () => `sk-proj-${randomBytes(24).toString('base64url')}`;
const openAi = (key: string | undefined, overrides: object = {}) => ({
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  ...(key && { apiKey: key }),
  promptPricePerMillion: '0.15',
  completionPricePerMillion: '0.60',
  ...overrides,
});

const storedRow = (tenantId: string) =>
  withTransaction(
    t.pool,
    async (client) =>
      (
        await client.query<{ llm_api_key: Buffer | null; llm_api_key_data_key_version: number | null }>(
          'SELECT llm_api_key, llm_api_key_data_key_version FROM ai_agents.agent_settings WHERE tenant_id = $1',
          [tenantId],
        )
      ).rows[0],
    { tenantId },
  );

const issuePaths = (body: string) =>
  (JSON.parse(body) as { details: { issues: { path: string }[] } }).details.issues.map((issue) => issue.path);

describe('GET /api/v1/agents/settings', () => {
  it("answers a tenant that set nothing the service's defaults and no LLM", async () => {
    const res = await get(await tenantCaller(t.key, ['viewer']));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      llm: null,
      monthlyTokenQuota: t.config.DEFAULT_MONTHLY_TOKEN_QUOTA,
      maxBudgetShiftPerDay: null,
      approvalTimeoutMs: t.config.APPROVAL_TIMEOUT_MS,
    });
  });
});

describe('PUT /api/v1/agents/settings', () => {
  it('stores the settings and answers them as GET does, the key sealed in the row and never returned', async () => {
    const admin = await tenantCaller(t.key);
    const key = apiKey();
    const res = await put(admin, {
      llm: openAi(key, { timeoutMs: 20_000 }),
      monthlyTokenQuota: 500_000,
      maxBudgetShiftPerDay: '250.5',
      approvalTimeoutMs: 3_600_000,
    });
    expect(res.statusCode, res.body).toBe(200);
    const expected = {
      llm: {
        baseUrl: 'https://api.openai.com/v1',
        model: 'gpt-4o-mini',
        apiKeyHint: `****${key.slice(-4)}`,
        timeoutMs: 20_000,
        promptPricePerMillion: '0.15',
        completionPricePerMillion: '0.6',
      },
      monthlyTokenQuota: 500_000,
      maxBudgetShiftPerDay: '250.50',
      approvalTimeoutMs: 3_600_000,
    };
    expect(res.json()).toEqual(expected);
    const again = await get(admin);
    expect(again.json()).toEqual(expected);
    for (const body of [res.body, again.body]) expect(body).not.toContain(key.slice(8, -4));
    const row = await storedRow(admin.tenantId);
    expect(row?.llm_api_key_data_key_version).toBe(1);
    expect(row?.llm_api_key?.length).toBeGreaterThan(key.length);
    expect(row?.llm_api_key?.includes(Buffer.from(key))).toBe(false);
    expect(row?.llm_api_key?.includes(Buffer.from(key.slice(8, 24)))).toBe(false);
  });

  it('replaces only what the body names; null returns a field to its default', async () => {
    const admin = await tenantCaller(t.key);
    await put(admin, { llm: openAi(apiKey()), monthlyTokenQuota: 10, maxBudgetShiftPerDay: '5.00' });
    const res = await put(admin, { monthlyTokenQuota: null, approvalTimeoutMs: 5000 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      llm: { model: 'gpt-4o-mini', timeoutMs: t.config.LLM_TIMEOUT_MS },
      monthlyTokenQuota: t.config.DEFAULT_MONTHLY_TOKEN_QUOTA,
      maxBudgetShiftPerDay: '5.00',
      approvalTimeoutMs: 5000,
    });
  });

  it('keeps the stored key for the same base URL, answers a repeated body the same, and removes the LLM and its key on llm: null', async () => {
    const admin = await tenantCaller(t.key);
    const key = apiKey();
    await put(admin, { llm: openAi(key) });
    const body = { llm: openAi(undefined, { model: 'gpt-4.1' }) };
    const first = await put(admin, body);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().llm).toMatchObject({ model: 'gpt-4.1', apiKeyHint: `****${key.slice(-4)}` });
    const second = await put(admin, body);
    expect(second.json()).toEqual(first.json());
    const removed = await put(admin, { llm: null });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json().llm).toBeNull();
    expect((await get(admin)).json().llm).toBeNull();
    expect((await storedRow(admin.tenantId))?.llm_api_key).toBeNull();
  });

  it('needs the key for a new LLM, and again when the base URL changes (the stored key never follows a new URL)', async () => {
    const admin = await tenantCaller(t.key);
    const none = await put(admin, { llm: openAi(undefined) });
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().error).toBe('VALIDATION_ERROR');
    expect(issuePaths(none.body)).toEqual(['llm.apiKey']);
    await put(admin, { llm: openAi(apiKey()) });
    const moved = await put(admin, { llm: openAi(undefined, { baseUrl: 'https://llm.example.com/v1' }) });
    expect(moved.statusCode, moved.body).toBe(400);
    expect(issuePaths(moved.body)).toEqual(['llm.apiKey']);
    expect((await get(admin)).json().llm.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('refuses unknown fields by name, at the top and inside llm', async () => {
    const admin = await tenantCaller(t.key);
    const res = await put(admin, { llm: { ...openAi(apiKey()), organisation: 'acme' }, monthlyQuota: 5 });
    expect(res.statusCode, res.body).toBe(400);
    expect(issuePaths(res.body).sort()).toEqual(['llm.organisation', 'monthlyQuota']);
  });

  it('refuses a viewer and a member with 403 before looking at the body', async () => {
    for (const role of ['viewer', 'member']) {
      const caller = await tenantCaller(t.key, [role]);
      const res = await put(caller, { notAField: true, llm: { baseUrl: 'not a url' } });
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error).toBe('FORBIDDEN');
    }
  });

  it("shows another tenant its own defaults only, and a tenant's change stays its own", async () => {
    const first = await tenantCaller(t.key);
    const second = await tenantCaller(t.key);
    await put(first, { llm: openAi(apiKey()), monthlyTokenQuota: 42 });
    expect((await get(second)).json()).toMatchObject({
      llm: null,
      monthlyTokenQuota: t.config.DEFAULT_MONTHLY_TOKEN_QUOTA,
    });
    await put(second, { monthlyTokenQuota: 7 });
    expect((await get(first)).json()).toMatchObject({ llm: { model: 'gpt-4o-mini' }, monthlyTokenQuota: 42 });
  });

  it('refuses a metadata URL whatever the allowed CIDRs say', async () => {
    const admin = await tenantCaller(t.key);
    const res = await put(admin, { llm: openAi(apiKey(), { baseUrl: 'http://169.254.169.254/v1' }) });
    expect(res.statusCode, res.body).toBe(400);
    expect(issuePaths(res.body)).toEqual(['llm.baseUrl']);
  });
});

describe('the settings OpenAPI', () => {
  it('documents both operations with their errors and security, passing spectral:oas', async () => {
    const document = (await t.app.inject({ url: '/docs/json' })).json();
    expect(await openApiProblems(document)).toEqual([]);
    const path = document.paths['/api/v1/agents/settings'];
    expect(path.get).toMatchObject({
      operationId: 'getAgentSettings',
      tags: ['settings'],
      security: [{ bearerAuth: [] }],
    });
    expect(Object.keys(path.get.responses).sort()).toEqual(['200', '401', '403']);
    expect(Object.keys(path.put.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415']);
  });
});

describe('PUT /api/v1/agents/settings under the default outbound policy', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await startTestApp({ OUTBOUND_ALLOWED_CIDRS: '' }, { features: [settingsFeature] });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses a loopback or private base URL, naming llm.baseUrl', async () => {
    const admin = await tenantCaller(strict.key);
    for (const baseUrl of ['http://127.0.0.1:8090/v1', 'http://localhost:11434/v1', 'http://10.0.0.5/v1']) {
      const res = await put(admin, { llm: openAi(apiKey(), { baseUrl }) }, strict.app);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().details.issues).toEqual([
        expect.objectContaining({
          path: 'llm.baseUrl',
          message: expect.stringContaining('must reach a public address'),
        }),
      ]);
    }
    expect((await get(admin, strict.app)).json().llm).toBeNull();
  });
});
