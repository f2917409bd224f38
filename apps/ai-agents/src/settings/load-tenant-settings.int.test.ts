import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalLlmServer, type LocalLlmServer } from '@bizosaas/local-llm-server';
import type { AgentsContext } from '../context.ts';
import { LlmError } from '../llm/chat.ts';
import { startTestApp, tenantCaller, type TestApp } from '../test-support.ts';
import { loadTenantLlm, loadTenantSettings, tenantRunSettingsSource } from './load-tenant-settings.ts';
import { settingsFeature } from './settings.routes.ts';

const TENANT_KEY = 'sk-local-tenant-key-0123456789';

let t: TestApp;
let ctx: AgentsContext;
let llmServer: LocalLlmServer;
beforeAll(async () => {
  llmServer = await startLocalLlmServer({ apiKey: TENANT_KEY, reply: () => ({ content: 'Scored: 72' }) });
  t = await startTestApp({}, { features: [settingsFeature, (_app, context) => void (ctx = context)] });
});
afterAll(async () => {
  await t?.close();
  await llmServer?.close();
});

type Caller = Awaited<ReturnType<typeof tenantCaller>>;
async function configure(caller: Caller, payload: object): Promise<void> {
  const res = await t.app.inject({ method: 'PUT', url: '/api/v1/agents/settings', headers: caller.headers, payload });
  expect(res.statusCode, res.body).toBe(200);
}
const localLlm = (apiKey?: string) => ({
  llm: {
    baseUrl: llmServer.url,
    model: 'local-scorer',
    ...(apiKey && { apiKey }),
    promptPricePerMillion: '0.15',
    completionPricePerMillion: '0.60',
  },
});

describe('loadTenantLlm', () => {
  it('answers null for a tenant without an LLM, while another tenant has one', async () => {
    const other = await tenantCaller(t.key);
    await configure(other, localLlm(TENANT_KEY));
    expect(await loadTenantLlm(ctx, other.tenantId)).not.toBeNull();
    const { tenantId } = await tenantCaller(t.key);
    expect(await loadTenantLlm(ctx, tenantId)).toBeNull();
  });

  it("builds the tenant's client with its opened key, reused until the settings change", async () => {
    const admin = await tenantCaller(t.key);
    await configure(admin, localLlm(TENANT_KEY));
    const llm = await loadTenantLlm(ctx, admin.tenantId);
    expect(llm).toMatchObject({ provider: 'openai-compatible', model: 'local-scorer' });
    const answer = await llm!.chat({ messages: [{ role: 'user', content: 'Score lead 7' }] });
    expect(answer.content).toBe('Scored: 72');
    expect(llmServer.calls.at(-1)).toMatchObject({ model: 'local-scorer', stream: true });
    expect(await loadTenantLlm(ctx, admin.tenantId)).toBe(llm);

    await configure(admin, localLlm('sk-a-key-the-server-does-not-know'));
    const changed = await loadTenantLlm(ctx, admin.tenantId);
    expect(changed).not.toBe(llm);
    const refused = await changed!
      .chat({ messages: [{ role: 'user', content: 'Score lead 7' }] })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(LlmError);
    expect(refused).toMatchObject({ code: 'LLM_REJECTED' });
  });

  it("never hands one tenant another's LLM", async () => {
    const first = await tenantCaller(t.key);
    const second = await tenantCaller(t.key);
    await configure(first, localLlm(TENANT_KEY));
    expect(await loadTenantLlm(ctx, first.tenantId)).not.toBeNull();
    expect(await loadTenantLlm(ctx, second.tenantId)).toBeNull();
  });
});

describe('loadTenantSettings and tenantRunSettingsSource', () => {
  it('give the prices as exact decimals for cost = tokens * price / 1e6, and the limits with defaults', async () => {
    const admin = await tenantCaller(t.key);
    await configure(admin, { ...localLlm(TENANT_KEY), maxBudgetShiftPerDay: '100.00' });
    const settings = await loadTenantSettings(ctx, admin.tenantId);
    const cost = settings
      .llm!.promptPricePerMillion.times(1234)
      .plus(settings.llm!.completionPricePerMillion.times(567))
      .dividedBy(1e6);
    // 1234 * 0.15 + 567 * 0.60 = 185.1 + 340.2 = 525.3 per million tokens.
    expect(cost.toFixed()).toBe('0.0005253');
    expect(settings.maxBudgetShiftPerDay?.toFixed(2)).toBe('100.00');
    expect(settings.monthlyTokenQuota).toBe(t.config.DEFAULT_MONTHLY_TOKEN_QUOTA);
    expect(settings.llm?.timeoutMs).toBe(t.config.LLM_TIMEOUT_MS);

    const run = await tenantRunSettingsSource(ctx)(admin.tenantId);
    expect(run).toMatchObject({
      prices: { promptPerMillion: '0.15', completionPerMillion: '0.6' },
      approvalTimeoutMs: t.config.APPROVAL_TIMEOUT_MS,
      monthlyTokenQuota: t.config.DEFAULT_MONTHLY_TOKEN_QUOTA,
    });
    expect(run.llm).toBe(await loadTenantLlm(ctx, admin.tenantId));
  });

  it('give no prices and no LLM to a tenant without one', async () => {
    const { tenantId } = await tenantCaller(t.key);
    expect(await tenantRunSettingsSource(ctx)(tenantId)).toEqual({
      llm: null,
      prices: null,
      approvalTimeoutMs: t.config.APPROVAL_TIMEOUT_MS,
      monthlyTokenQuota: t.config.DEFAULT_MONTHLY_TOKEN_QUOTA,
      maxBudgetShiftPerDay: null,
    });
  });
});
