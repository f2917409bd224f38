import { withTransaction } from '@bizosaas/db';
import { createBoundedCache, type BoundedCache } from '@bizosaas/envelope-encryption';
import { createAddressPolicy, type AddressPolicy } from '@bizosaas/outbound-http';
import type { AgentsContext } from '../context.ts';
import type { LlmClient } from '../llm/chat.ts';
import { createOpenAiLlm } from '../llm/openai-llm.ts';
import { effectiveSettings, type EffectiveAgentSettings } from './effective-settings.ts';
import { openApiKey } from './llm-api-key.ts';
import { readSettings, type StoredSettings } from './settings-store.ts';

interface LlmCache {
  policy: AddressPolicy;
  /** Per tenant: the client built from one version of its stored LLM. */
  clients: BoundedCache<{ version: string; llm: LlmClient }>;
}

// Per app (a test builds several), never shared across contexts: a client holds a tenant's opened key.
const caches = new WeakMap<AgentsContext, LlmCache>();

function cacheOf(ctx: AgentsContext): LlmCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = {
      policy: createAddressPolicy({ allowedCidrs: ctx.config.OUTBOUND_ALLOWED_CIDRS }),
      clients: createBoundedCache({ maxEntries: 1000 }),
    };
    caches.set(ctx, cache);
  }
  return cache;
}

const readStored = (ctx: AgentsContext, tenantId: string) =>
  withTransaction(ctx.pool, (client) => readSettings(client, tenantId), { tenantId });

/**
 * The tenant's LLM client, or null when it has none. The row is read every time (one indexed
 * read); the client, with its opened key, is reused while the stored LLM is the same one (every
 * write seals the key anew, so a new key never matches an old version).
 */
async function tenantLlmClient(
  ctx: AgentsContext,
  tenantId: string,
  stored: StoredSettings | null,
  settings: EffectiveAgentSettings,
): Promise<LlmClient | null> {
  if (!stored?.llm || !settings.llm) return null;
  const cache = cacheOf(ctx);
  const { baseUrl, model, timeoutMs } = settings.llm;
  const version = [
    stored.updatedAt.getTime(),
    baseUrl,
    model,
    timeoutMs,
    stored.llm.apiKey.sealed.toString('base64'),
  ].join('|');
  const cached = cache.clients.get(tenantId);
  if (cached?.version === version) return cached.llm;
  const apiKey = await openApiKey(ctx.dataKeys, tenantId, stored.llm.apiKey);
  const llm = createOpenAiLlm({ baseUrl, apiKey, model, timeoutMs, outbound: ctx.outbound, policy: cache.policy });
  cache.clients.set(tenantId, { version, llm });
  return llm;
}

/** The tenant's effective settings: its own where it set them, the service's defaults otherwise. */
export async function loadTenantSettings(ctx: AgentsContext, tenantId: string): Promise<EffectiveAgentSettings> {
  return effectiveSettings(await readStored(ctx, tenantId), ctx.config);
}

/** The tenant's LLM (through the outbound helper, with its key opened), or null when it configured none. */
export async function loadTenantLlm(ctx: AgentsContext, tenantId: string): Promise<LlmClient | null> {
  const stored = await readStored(ctx, tenantId);
  return tenantLlmClient(ctx, tenantId, stored, effectiveSettings(stored, ctx.config));
}

/** What a run needs of its tenant's settings, from one read: the LLM client, its prices, the limits. */
export interface TenantRunSettings {
  llm: LlmClient | null;
  /** Decimal strings per million tokens; null without an LLM. */
  prices: { promptPerMillion: string; completionPerMillion: string } | null;
  approvalTimeoutMs: number;
  /** 0: no limit. */
  monthlyTokenQuota: number;
  maxBudgetShiftPerDay: EffectiveAgentSettings['maxBudgetShiftPerDay'];
}

/** `(tenantId) => TenantRunSettings` for the run engine and the analyses' routes. */
export function tenantRunSettingsSource(ctx: AgentsContext): (tenantId: string) => Promise<TenantRunSettings> {
  return async (tenantId) => {
    const stored = await readStored(ctx, tenantId);
    const settings = effectiveSettings(stored, ctx.config);
    return {
      llm: await tenantLlmClient(ctx, tenantId, stored, settings),
      prices: settings.llm && {
        promptPerMillion: settings.llm.promptPricePerMillion.toFixed(),
        completionPerMillion: settings.llm.completionPricePerMillion.toFixed(),
      },
      approvalTimeoutMs: settings.approvalTimeoutMs,
      monthlyTokenQuota: settings.monthlyTokenQuota,
      maxBudgetShiftPerDay: settings.maxBudgetShiftPerDay,
    };
  };
}
