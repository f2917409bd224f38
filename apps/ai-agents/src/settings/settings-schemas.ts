import { z } from 'zod';
import { outboundUrl, type AddressPolicy } from '@bizosaas/outbound-http';

// Limits of the agent_settings columns: DECIMAL(18,6) prices, DECIMAL(18,2) amounts, INTEGER times.
const INT4_MAX = 2_147_483_647;
const pricePerMillion = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a decimal string such as "2.50" (at most 6 decimals)')
  .describe('Price of one million tokens, in the tenant currency');
const amount = z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, 'must be a decimal string such as "500.00"');

/** The LLM part of a PUT: the whole LLM configuration, replacing the stored one. */
const llmBody = (policy: AddressPolicy) =>
  z.strictObject({
    baseUrl: outboundUrl(policy).describe('OpenAI-compatible base URL, e.g. https://api.openai.com/v1'),
    model: z.string().trim().min(1).max(200),
    apiKey: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        'Sealed with the tenant data key and never returned; may be left out to keep the stored key for the same baseUrl',
      ),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .optional()
      .describe('One call limit; the service default when absent'),
    promptPricePerMillion: pricePerMillion.optional().describe('Default "0"'),
    completionPricePerMillion: pricePerMillion.optional().describe('Default "0"'),
  });

/**
 * PUT body: each field named replaces the stored one; `null` returns it to the service default
 * (`llm: null` removes the LLM and its key); a field left out keeps what is stored.
 */
export const settingsBody = (policy: AddressPolicy) =>
  z.strictObject({
    llm: llmBody(policy).nullable().optional(),
    monthlyTokenQuota: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .nullable()
      .optional()
      .describe('Tokens per calendar month (UTC); 0: no limit'),
    maxBudgetShiftPerDay: amount
      .nullable()
      .optional()
      .describe('Most campaign budget an optimisation may move in a day; null: no limit'),
    approvalTimeoutMs: z.number().int().min(1000).max(INT4_MAX).nullable().optional(),
  });

export type SettingsBody = z.output<ReturnType<typeof settingsBody>>;

/** The effective settings as routes show them: never the API key, only its hint. */
export const settingsView = z.object({
  llm: z
    .object({
      baseUrl: z.string(),
      model: z.string(),
      apiKeyHint: z.string().describe('The last characters of the key, e.g. "****wxyz"'),
      timeoutMs: z.number().int(),
      promptPricePerMillion: z.string(),
      completionPricePerMillion: z.string(),
    })
    .nullable(),
  monthlyTokenQuota: z.number().int().describe('0: no limit'),
  maxBudgetShiftPerDay: z.string().nullable(),
  approvalTimeoutMs: z.number().int(),
});

export type SettingsView = z.output<typeof settingsView>;
