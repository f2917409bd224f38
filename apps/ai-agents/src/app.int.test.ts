import { afterAll, beforeAll, describe, it } from 'vitest';
import { itServesTheOpsContract } from '@bizosaas/service-kit/testing';
import { expect, startTestApp, tenantCaller, type TestApp } from './test-support.ts';

// The ops contract on the app as main.ts builds it.
describe('ai-agents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  itServesTheOpsContract('ai-agents', () => t.app, ['postgres', 'redis', 'consumers', 'outbox']);

  it('refuses at once an analysis that needs an LLM when the tenant has none, recording nothing', async () => {
    const { headers } = await tenantCaller(t.key);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/analyses',
      headers,
      payload: { analysisType: 'content_generation', subject: { brief: 'Spring launch' } },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      error: 'LLM_NOT_CONFIGURED',
      details: { analysisType: 'content_generation' },
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents/analyses', headers });
    expect(list.json().items).toEqual([]);
  });

  it('says why a type cannot run here: lead scoring needs the service client', async () => {
    const { headers } = await tenantCaller(t.key);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/analyses',
      headers,
      payload: { analysisType: 'lead_scoring', subject: { leadId: '0192f5a4-2c3d-7e4f-8a50-617283940a1b' } },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toBe('ANALYSIS_TYPE_UNAVAILABLE');
    expect(refused.json().message).toContain('AGENTS_SERVICE_CLIENT_ID');
  });
});
