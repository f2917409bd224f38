import type pg from 'pg';
import type { SealedApiKey } from './llm-api-key.ts';

/** A tenant's LLM as stored; null fields take the service's defaults. */
export interface StoredLlm {
  baseUrl: string;
  model: string;
  apiKey: SealedApiKey;
  apiKeyHint: string;
  timeoutMs: number | null;
  /** Decimal strings. */
  promptPricePerMillion: string | null;
  completionPricePerMillion: string | null;
}

/** The agent_settings row of one tenant; a null field takes the service's default. */
export interface StoredSettings {
  llm: StoredLlm | null;
  monthlyTokenQuota: number | null;
  /** Decimal string. */
  maxBudgetShiftPerDay: string | null;
  approvalTimeoutMs: number | null;
  updatedAt: Date;
}

interface SettingsRow {
  llm_base_url: string | null;
  llm_model: string | null;
  llm_api_key: Buffer | null;
  llm_api_key_data_key_version: number | null;
  llm_api_key_hint: string | null;
  llm_timeout_ms: number | null;
  prompt_price_per_million: string | null;
  completion_price_per_million: string | null;
  monthly_token_quota: string | number | null;
  max_budget_shift_per_day: string | null;
  approval_timeout_ms: number | null;
  updated_at: Date;
}

function llmOf(row: SettingsRow): StoredLlm | null {
  // The columns are written together: an LLM is its URL, model and key.
  if (row.llm_base_url === null || row.llm_model === null || row.llm_api_key === null) return null;
  return {
    baseUrl: row.llm_base_url,
    model: row.llm_model,
    apiKey: { sealed: row.llm_api_key, dataKeyVersion: row.llm_api_key_data_key_version ?? 1 },
    apiKeyHint: row.llm_api_key_hint ?? '****',
    timeoutMs: row.llm_timeout_ms,
    promptPricePerMillion: row.prompt_price_per_million,
    completionPricePerMillion: row.completion_price_per_million,
  };
}

/** The tenant's settings (in its transaction: RLS), or null when it never stored any; `forUpdate` locks the row. */
export async function readSettings(
  client: pg.ClientBase,
  tenantId: string,
  options: { forUpdate?: boolean } = {},
): Promise<StoredSettings | null> {
  const { rows } = await client.query<SettingsRow>(
    `SELECT llm_base_url, llm_model, llm_api_key, llm_api_key_data_key_version, llm_api_key_hint, llm_timeout_ms,
       prompt_price_per_million::text, completion_price_per_million::text, monthly_token_quota,
       max_budget_shift_per_day::text, approval_timeout_ms, updated_at
     FROM ai_agents.agent_settings WHERE tenant_id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    llm: llmOf(row),
    monthlyTokenQuota: row.monthly_token_quota === null ? null : Number(row.monthly_token_quota),
    maxBudgetShiftPerDay: row.max_budget_shift_per_day,
    approvalTimeoutMs: row.approval_timeout_ms,
    updatedAt: row.updated_at,
  };
}

/** Inserts or replaces the tenant's row with `settings` (in its transaction). */
export async function writeSettings(client: pg.ClientBase, tenantId: string, settings: StoredSettings): Promise<void> {
  const { llm } = settings;
  await client.query(
    `INSERT INTO ai_agents.agent_settings (tenant_id, llm_base_url, llm_model, llm_api_key, llm_api_key_data_key_version,
       llm_api_key_hint, llm_timeout_ms, prompt_price_per_million, completion_price_per_million, monthly_token_quota,
       max_budget_shift_per_day, approval_timeout_ms, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (tenant_id) DO UPDATE SET llm_base_url = $2, llm_model = $3, llm_api_key = $4,
       llm_api_key_data_key_version = $5, llm_api_key_hint = $6, llm_timeout_ms = $7, prompt_price_per_million = $8,
       completion_price_per_million = $9, monthly_token_quota = $10, max_budget_shift_per_day = $11,
       approval_timeout_ms = $12, updated_at = $13`,
    [
      tenantId,
      llm?.baseUrl ?? null,
      llm?.model ?? null,
      llm?.apiKey.sealed ?? null,
      llm?.apiKey.dataKeyVersion ?? null,
      llm?.apiKeyHint ?? null,
      llm?.timeoutMs ?? null,
      llm?.promptPricePerMillion ?? null,
      llm?.completionPricePerMillion ?? null,
      settings.monthlyTokenQuota,
      settings.maxBudgetShiftPerDay,
      settings.approvalTimeoutMs,
      settings.updatedAt,
    ],
  );
}
