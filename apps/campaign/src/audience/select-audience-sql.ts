import type { AudienceFilter } from './audience-filter.ts';
import { compileAudienceFilter } from './compile-audience-filter.ts';

export interface AudienceSelect {
  /** `SELECT contact_id, kind, email, sendable_email, timezone FROM contacts WHERE tenant_id = $1 AND (...)`. */
  sql: string;
  /** The filter's values, for the placeholders from `firstParam` on ($1 is the tenant). */
  params: unknown[];
}

/**
 * The contacts a filter selects, for `INSERT INTO ... SELECT`: the caller passes
 * `[tenantId, ...its own values, ...params]` with `firstParam` just past its own placeholders.
 */
export function selectAudienceSql(filter: AudienceFilter, firstParam = 2): AudienceSelect {
  const { where, params } = compileAudienceFilter(filter, firstParam);
  return {
    sql: `SELECT contact_id, kind, email, sendable_email, timezone FROM contacts WHERE tenant_id = $1 AND (${where})`,
    params,
  };
}
