import { Decimal } from 'decimal.js';
import type { Config } from '../config.ts';
import type { SettingsView } from './settings-schemas.ts';
import type { StoredLlm, StoredSettings } from './settings-store.ts';

/** A tenant's LLM with the service defaults applied (never its key). */
export interface TenantLlmSettings {
  baseUrl: string;
  model: string;
  apiKeyHint: string;
  timeoutMs: number;
  /** Cost of a call: tokens * price / 1e6, per direction. */
  promptPricePerMillion: Decimal;
  completionPricePerMillion: Decimal;
}

/** What a tenant's runs obey: its own settings where it has them, the service's otherwise. */
export interface EffectiveAgentSettings {
  llm: TenantLlmSettings | null;
  /** Tokens per calendar month; 0: no limit. */
  monthlyTokenQuota: number;
  /** Most campaign budget an optimisation may move in a day; null: no limit. */
  maxBudgetShiftPerDay: Decimal | null;
  approvalTimeoutMs: number;
  /** When the tenant last changed them; null: it never did. */
  updatedAt: Date | null;
}

export type SettingsDefaults = Pick<Config, 'LLM_TIMEOUT_MS' | 'DEFAULT_MONTHLY_TOKEN_QUOTA' | 'APPROVAL_TIMEOUT_MS'>;

function effectiveLlm(llm: StoredLlm, defaults: SettingsDefaults): TenantLlmSettings {
  return {
    baseUrl: llm.baseUrl,
    model: llm.model,
    apiKeyHint: llm.apiKeyHint,
    timeoutMs: llm.timeoutMs ?? defaults.LLM_TIMEOUT_MS,
    promptPricePerMillion: new Decimal(llm.promptPricePerMillion ?? 0),
    completionPricePerMillion: new Decimal(llm.completionPricePerMillion ?? 0),
  };
}

export function effectiveSettings(stored: StoredSettings | null, defaults: SettingsDefaults): EffectiveAgentSettings {
  return {
    llm: stored?.llm ? effectiveLlm(stored.llm, defaults) : null,
    monthlyTokenQuota: stored?.monthlyTokenQuota ?? defaults.DEFAULT_MONTHLY_TOKEN_QUOTA,
    maxBudgetShiftPerDay: stored?.maxBudgetShiftPerDay == null ? null : new Decimal(stored.maxBudgetShiftPerDay),
    approvalTimeoutMs: stored?.approvalTimeoutMs ?? defaults.APPROVAL_TIMEOUT_MS,
    updatedAt: stored?.updatedAt ?? null,
  };
}

/** Prices as plain decimal strings (`2.5`), amounts with their 2 decimals (`500.00`). */
export function settingsViewOf(settings: EffectiveAgentSettings): SettingsView {
  const { llm } = settings;
  return {
    llm: llm && {
      baseUrl: llm.baseUrl,
      model: llm.model,
      apiKeyHint: llm.apiKeyHint,
      timeoutMs: llm.timeoutMs,
      promptPricePerMillion: llm.promptPricePerMillion.toFixed(),
      completionPricePerMillion: llm.completionPricePerMillion.toFixed(),
    },
    monthlyTokenQuota: settings.monthlyTokenQuota,
    maxBudgetShiftPerDay: settings.maxBudgetShiftPerDay?.toFixed(2) ?? null,
    approvalTimeoutMs: settings.approvalTimeoutMs,
  };
}
