import type { AudienceFilter } from './audience-filter.ts';
import { compileAudienceFilter } from './compile-audience-filter.ts';

export interface AudienceSelect {
  /** The audience's contacts: `contact_id, kind, email, phone, timezone, consent, created_at`. */
  sql: string;
  /** The filter's values, for the placeholders from `firstParam` on ($1 is the tenant). */
  params: unknown[];
}

/**
 * The people a filter selects, for enrolment and its what-if replay alike: one contact per address
 * (a converted lead and the customer it became share one: the customer counts, so the person gets
 * one message per step), every contact without an address on its own. The caller passes
 * `[tenantId, ...its own values, ...params]` with `firstParam` just past its own placeholders.
 */
export function selectAudienceSql(filter: AudienceFilter, firstParam = 2): AudienceSelect {
  const { where, params } = compileAudienceFilter(filter, firstParam);
  return {
    sql: `SELECT DISTINCT ON (coalesce(lower(email), contact_id::text))
        contact_id, kind, email, phone, timezone, consent, created_at
      FROM contacts WHERE tenant_id = $1 AND (${where})
      ORDER BY coalesce(lower(email), contact_id::text), kind = 'customer' DESC, created_at`,
    params,
  };
}
