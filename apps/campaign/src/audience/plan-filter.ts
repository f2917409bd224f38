import type pg from 'pg';
import { NotFoundError } from '@bizosaas/ddd-kernel';
import { audienceFilter, type AudienceFilter } from './audience-filter.ts';

/** The audience filter of the campaign's saved plan (campaign.plans: audience = { filter, ... }). */
export async function planFilter(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<AudienceFilter> {
  const { rows } = await client.query<{ audience: { filter?: unknown } }>(
    'SELECT audience FROM plans WHERE tenant_id = $1 AND campaign_id = $2',
    [tenantId, campaignId],
  );
  if (!rows[0]) throw new NotFoundError(`Campaign ${campaignId} has no plan`, { campaignId, resource: 'plan' });
  // Plans are parsed by the same schema when saved; an older plan without a filter means everyone.
  return audienceFilter.parse(rows[0].audience.filter ?? {});
}
