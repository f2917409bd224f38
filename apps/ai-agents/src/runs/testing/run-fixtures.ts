// What the run tests share: the local LLM server behind the production OpenAI client, tenant
// settings that use it, and an analysis's state read through the API.
import { randomUUID } from 'node:crypto';
import { createAddressPolicy, createOutboundHttp, type OutboundHttp } from '@bizosaas/outbound-http';
import { startLocalLlmServer, type LocalLlmServer, type Reply } from '@bizosaas/local-llm-server';
import type { TenantAgentSettings, TenantSettingsSource } from '../../analyses/tenant-agent-settings.ts';
import { createOpenAiLlm } from '../../llm/openai-llm.ts';
import { eventually, expect, type TestApp } from '../../test-support.ts';

export interface LlmFixture {
  server: LocalLlmServer;
  outbound: OutboundHttp;
  /** Settings whose LLM is the local server (loopback allowed, as in development). */
  settings(overrides?: Partial<TenantAgentSettings>): TenantSettingsSource;
  close(): Promise<void>;
}

export async function startLlmFixture(): Promise<LlmFixture> {
  // A key of its own: a process elsewhere on the machine holding this port's old address is refused.
  const apiKey = `sk-${randomUUID()}`;
  const server = await startLocalLlmServer({ apiKey });
  const outbound = createOutboundHttp({ policy: createAddressPolicy({ allowedCidrs: ['127.0.0.0/8'] }) });
  const llm = createOpenAiLlm({
    baseUrl: server.url,
    apiKey,
    model: 'local-model',
    timeoutMs: 5000,
    outbound,
  });
  return {
    server,
    outbound,
    settings:
      (overrides = {}) =>
      async () => ({
        llm,
        prices: { promptPerMillion: '0.50', completionPerMillion: '1.50' },
        approvalTimeoutMs: 60_000,
        monthlyTokenQuota: 0,
        ...overrides,
      }),
    async close() {
      await Promise.allSettled([server.close(), outbound.close()]);
    },
  };
}

/** A reply whose content is the JSON of `value` (a structured answer). */
export const json = (value: unknown, usage = { promptTokens: 10, completionTokens: 5 }): Reply => ({
  content: JSON.stringify(value),
  usage,
});

export const text = (content: string, usage = { promptTokens: 10, completionTokens: 5 }): Reply => ({ content, usage });

/** The analysis as GET answers it, once `check` holds. */
export async function analysisWhen(
  t: TestApp,
  headers: Record<string, string>,
  id: string,
  check: (body: Record<string, unknown>) => void,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  return eventually(
    async () => (await t.app.inject({ method: 'GET', url: `/api/v1/agents/analyses/${id}`, headers })).json(),
    check,
    timeoutMs,
  );
}

export const statusIs = (status: string) => (body: Record<string, unknown>) => expect(body.status).toBe(status);
