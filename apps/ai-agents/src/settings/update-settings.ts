import { withTransaction } from '@bizosaas/db';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { AgentsContext } from '../context.ts';
import { effectiveSettings, type EffectiveAgentSettings } from './effective-settings.ts';
import { apiKeyHint, sealApiKey, type SealedApiKey } from './llm-api-key.ts';
import type { SettingsBody } from './settings-schemas.ts';
import { readSettings, writeSettings, type StoredLlm, type StoredSettings } from './settings-store.ts';

type LlmBody = NonNullable<SettingsBody['llm']>;

/**
 * The LLM a PUT names. Without `apiKey` the stored key is kept, but only for the same base URL:
 * a key is never sent to a URL it was not given for (someone allowed to change settings cannot
 * redirect the stored key to a server of theirs).
 */
function nextLlm(
  body: LlmBody,
  current: StoredLlm | null,
  newKey: { sealed: SealedApiKey; hint: string } | null,
): StoredLlm {
  const kept = current?.baseUrl === body.baseUrl ? { sealed: current.apiKey, hint: current.apiKeyHint } : null;
  const key = newKey ?? kept;
  if (!key)
    throw new ValidationError('The LLM needs its API key', [
      {
        path: 'llm.apiKey',
        message: current ? 'is required when the base URL changes' : 'is required: no key is stored',
        location: 'body',
      },
    ]);
  return {
    baseUrl: body.baseUrl,
    model: body.model,
    apiKey: key.sealed,
    apiKeyHint: key.hint,
    timeoutMs: body.timeoutMs ?? null,
    promptPricePerMillion: body.promptPricePerMillion ?? null,
    completionPricePerMillion: body.completionPricePerMillion ?? null,
  };
}

/** A field left out keeps the stored value; a field named (null included) replaces it. */
const named = <T>(value: T | undefined, stored: T): T => (value === undefined ? stored : value);

/**
 * Replaces what the body names in the tenant's settings and answers the effective result. The
 * same body again stores the same settings (the key is sealed anew, to the same plaintext).
 */
export async function updateSettings(
  ctx: AgentsContext,
  tenantId: string,
  body: SettingsBody,
): Promise<EffectiveAgentSettings> {
  // Sealed before the transaction: the data key store may take a connection of its own.
  const apiKey = body.llm?.apiKey;
  const newKey = apiKey ? { sealed: await sealApiKey(ctx.dataKeys, tenantId, apiKey), hint: apiKeyHint(apiKey) } : null;
  const stored = await withTransaction(
    ctx.pool,
    async (client) => {
      const current = await readSettings(client, tenantId, { forUpdate: true });
      const next: StoredSettings = {
        llm:
          body.llm === undefined ? (current?.llm ?? null) : body.llm && nextLlm(body.llm, current?.llm ?? null, newKey),
        monthlyTokenQuota: named(body.monthlyTokenQuota, current?.monthlyTokenQuota ?? null),
        maxBudgetShiftPerDay: named(body.maxBudgetShiftPerDay, current?.maxBudgetShiftPerDay ?? null),
        approvalTimeoutMs: named(body.approvalTimeoutMs, current?.approvalTimeoutMs ?? null),
        updatedAt: ctx.now(),
      };
      await writeSettings(client, tenantId, next);
      return next;
    },
    { tenantId },
  );
  return effectiveSettings(stored, ctx.config);
}
