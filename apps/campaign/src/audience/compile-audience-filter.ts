import type { AudienceFilter } from './audience-filter.ts';

export interface CompiledFilter {
  /** A boolean over the columns of campaign.contacts, without a table alias ("TRUE" for no condition). */
  where: string;
  /** The values of its placeholders, from `firstParam` on. */
  params: unknown[];
}

type Range = { min?: number | undefined; max?: number | undefined } | undefined;

/**
 * The filter as parameterised SQL: values travel only as parameters, column names are fixed
 * here. Lists are `= ANY($n::text[])`, which the (tenant_id, status|source|...) indexes serve; a
 * NULL column never matches a condition on it.
 */
export function compileAudienceFilter(filter: AudienceFilter, firstParam = 1): CompiledFilter {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown, type: string) => {
    params.push(value);
    return `$${firstParam + params.length - 1}::${type}`;
  };
  const anyOf = (column: string, values: readonly string[] | undefined) => {
    if (values) conditions.push(`${column} = ANY(${param(values, 'text[]')})`);
  };
  const within = (column: string, range: Range) => {
    if (range?.min !== undefined) conditions.push(`${column} >= ${param(range.min, 'numeric')}`);
    if (range?.max !== undefined) conditions.push(`${column} <= ${param(range.max, 'numeric')}`);
  };
  anyOf('kind', filter.kind);
  anyOf('status', filter.status);
  anyOf('source', filter.source);
  within('score', filter.score);
  anyOf('utm_source', filter.utm?.source);
  anyOf('utm_medium', filter.utm?.medium);
  anyOf('utm_campaign', filter.utm?.campaign);
  anyOf('customer_tier', filter.customerTier);
  within('churn_risk', filter.churnRisk);
  if (filter.createdAt?.from) conditions.push(`created_at >= ${param(filter.createdAt.from, 'timestamptz')}`);
  if (filter.createdAt?.to) conditions.push(`created_at < ${param(filter.createdAt.to, 'timestamptz')}`);
  return { where: conditions.length === 0 ? 'TRUE' : conditions.join(' AND '), params };
}
