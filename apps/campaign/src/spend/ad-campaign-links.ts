import type pg from 'pg';
import { z } from 'zod';
import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import { campaignOr404 } from './manual-spend.ts';

const adLink = z.strictObject({
  provider: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/, 'must be a provider key such as google_ads')
    .describe("integration's provider key"),
  externalCampaignId: z.string().min(1).max(100).describe("The campaign's id at the ad platform"),
});
export type AdLink = z.output<typeof adLink>;

export const adLinksBody = z.strictObject({
  links: z.array(adLink).max(100).describe('Every ad platform campaign whose synced spend counts for this campaign'),
});

export const adLinksView = z.strictObject({
  campaignId: z.uuid(),
  links: z.array(adLink.extend({ linkedAt: z.iso.datetime() })),
});
export type AdLinksView = z.output<typeof adLinksView>;

const keyOf = (link: AdLink) => `${link.provider}\u0000${link.externalCampaignId}`;

/** The campaign's links, oldest first (404 for a campaign this tenant does not have). */
export async function readAdLinks(client: pg.ClientBase, tenantId: string, campaignId: string): Promise<AdLinksView> {
  await campaignOr404(client, tenantId, campaignId);
  const { rows } = await client.query<AdLinksView['links'][number]>(
    `SELECT provider, external_campaign_id AS "externalCampaignId",
       to_char(linked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "linkedAt"
     FROM ad_campaign_links WHERE tenant_id = $1 AND campaign_id = $2 ORDER BY linked_at, provider, external_campaign_id`,
    [tenantId, campaignId],
  );
  return { campaignId, links: rows };
}

/**
 * Replaces the campaign's links with `links` (a link kept keeps its linkedAt). An external campaign
 * feeds one campaign's ledger only: one linked to another campaign is refused (422), also when
 * another request linked it meanwhile (the primary key holds it there).
 */
export async function replaceAdLinks(
  client: pg.ClientBase,
  tenantId: string,
  campaignId: string,
  links: readonly AdLink[],
  now: Date,
): Promise<AdLinksView> {
  await campaignOr404(client, tenantId, campaignId);
  const unique = [...new Map(links.map((link) => [keyOf(link), link])).values()];
  const providers = unique.map((link) => link.provider);
  const externals = unique.map((link) => link.externalCampaignId);
  await client.query(
    `DELETE FROM ad_campaign_links WHERE tenant_id = $1 AND campaign_id = $2
       AND (provider, external_campaign_id) NOT IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
    [tenantId, campaignId, providers, externals],
  );
  await client.query(
    `INSERT INTO ad_campaign_links (tenant_id, provider, external_campaign_id, campaign_id, linked_at)
     SELECT $1, provider, external_campaign_id, $2, $5 FROM unnest($3::text[], $4::text[]) AS w(provider, external_campaign_id)
     ON CONFLICT (tenant_id, provider, external_campaign_id) DO NOTHING`,
    [tenantId, campaignId, providers, externals, now],
  );
  // A statement of its own: it sees links another transaction committed while the insert waited.
  const { rows } = await client.query<{ provider: string; external_campaign_id: string; campaign_id: string }>(
    `SELECT l.provider, l.external_campaign_id, l.campaign_id FROM ad_campaign_links l
     JOIN unnest($3::text[], $4::text[]) AS w(provider, external_campaign_id) USING (provider, external_campaign_id)
     WHERE l.tenant_id = $1 AND l.campaign_id <> $2`,
    [tenantId, campaignId, providers, externals],
  );
  const taken = rows[0];
  if (taken)
    throw new BusinessRuleViolation(
      'ad_campaign.linked_once',
      `${taken.provider} campaign ${taken.external_campaign_id} already feeds another campaign's spend`,
      { provider: taken.provider, externalCampaignId: taken.external_campaign_id, linkedCampaignId: taken.campaign_id },
    );
  return readAdLinks(client, tenantId, campaignId);
}
