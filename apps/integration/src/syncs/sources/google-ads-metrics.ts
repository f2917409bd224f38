import { z } from 'zod';
import { addMicros, conversionsToDecimal, countOf, microsToAmount } from '../ad-money.ts';
import { canonicalJson, contentHash } from '../content-hash.ts';
import { parseAnswer, type ProviderCall } from '../provider-call.ts';
import type { AdMetricsDay, FetchedPage, SyncSource } from './sync-source.ts';

export const GOOGLE_ADS_API_VERSION = 'v17';

export interface GoogleAdsAccount {
  /** The Google Ads customer (the connection's external account id), digits only. */
  customerId: string;
  /** The platform's developer token (GOOGLE_ADS_DEVELOPER_TOKEN). */
  developerToken: string;
  /** The manager account the call goes through; the customer itself by default. */
  loginCustomerId?: string;
  /** Days a first pass and every full pass cover, today included. */
  windowDays: number;
  /** An incremental pass reads again this many days before the last one it covered (late conversions). */
  restatementDays: number;
}

// int64 fields are strings in Google Ads JSON; zero-valued metrics are left out.
const int64 = z.union([z.string().regex(/^\d+$/), z.int().min(0)]).transform(String);
const searchStream = z.array(
  z.object({
    results: z
      .array(
        z.object({
          customer: z.object({ currencyCode: z.string().regex(/^[A-Z]{3}$/) }).optional(),
          campaign: z.object({ resourceName: z.string().optional(), id: int64, name: z.string().optional() }),
          metrics: z
            .object({
              costMicros: int64.default('0'),
              clicks: int64.default('0'),
              impressions: int64.default('0'),
              conversions: z.number().min(0).default(0),
            })
            .default({ costMicros: '0', clicks: '0', impressions: '0', conversions: 0 }),
          segments: z.object({ date: z.iso.date() }),
        }),
      )
      .default([]),
    fieldMask: z.string().optional(),
    requestId: z.string().optional(),
  }),
);

type Row = z.output<typeof searchStream>[number]['results'][number];

export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** One date's campaigns, several rows of a campaign summed exactly. */
export function metricsDay(date: string, rows: readonly Row[]): AdMetricsDay | null {
  const currency = rows.find((row) => row.customer)?.customer?.currencyCode;
  if (rows.length === 0) return null;
  if (currency === undefined) throw new Error('Google Ads answered rows without customer.currency_code');
  const byCampaign = new Map<
    string,
    { name: string | null; micros: string; clicks: number; impressions: number; conversions: number }
  >();
  for (const { campaign, metrics } of rows) {
    const seen = byCampaign.get(campaign.id);
    byCampaign.set(campaign.id, {
      name: campaign.name ?? seen?.name ?? null,
      micros: addMicros(seen?.micros ?? '0', metrics.costMicros),
      clicks: (seen?.clicks ?? 0) + countOf(metrics.clicks),
      impressions: (seen?.impressions ?? 0) + countOf(metrics.impressions),
      conversions: (seen?.conversions ?? 0) + metrics.conversions,
    });
  }
  const campaigns = [...byCampaign].map(([id, m]) => ({
    externalCampaignId: id,
    name: m.name,
    spend: microsToAmount(m.micros),
    clicks: m.clicks,
    impressions: m.impressions,
    conversions: conversionsToDecimal(m.conversions),
  }));
  return { date, currency, campaigns };
}

/**
 * Daily campaign metrics through `googleAds:searchStream`, one date per page: a pass covers the
 * window (full) or the days since the last pass, a few days again for late conversions
 * (incremental). A campaign-day is a record (`<campaignId>:<date>`); a day with any change is
 * published whole.
 */
export function googleAdsMetrics(
  call: ProviderCall,
  baseUrl: string,
  headers: Record<string, string>,
  account: GoogleAdsAccount,
): SyncSource {
  const url = `${baseUrl.replace(/\/+$/, '')}/${GOOGLE_ADS_API_VERSION}/customers/${account.customerId}/googleAds:searchStream`;
  const callHeaders = {
    ...headers,
    'content-type': 'application/json',
    'developer-token': account.developerToken,
    'login-customer-id': account.loginCustomerId ?? account.customerId,
  };
  return {
    detectsDeletions: false,
    forwardsToCrm: false,
    bounds(mode, watermark, today) {
      const first = addDays(today, 1 - account.windowDays);
      const from = mode === 'incremental' && watermark !== null ? addDays(watermark, -account.restatementDays) : first;
      return { position: from < today ? from : today, until: today };
    },
    async fetch(position, until): Promise<FetchedPage> {
      const date = position ?? until!;
      const query =
        'SELECT customer.currency_code, campaign.id, campaign.name, metrics.cost_micros, metrics.clicks, ' +
        `metrics.impressions, metrics.conversions, segments.date FROM campaign WHERE segments.date = '${date}'`;
      const answer = await call(url, { method: 'POST', headers: callHeaders, body: JSON.stringify({ query }) });
      const batches = parseAnswer('Google Ads', searchStream, answer.body);
      const day = metricsDay(
        date,
        batches.flatMap((batch) => batch.results),
      );
      const header = answer.headers['request-id'];
      const requestId =
        batches.find((batch) => batch.requestId)?.requestId ?? (typeof header === 'string' ? header : null);
      return {
        records: (day?.campaigns ?? []).map(({ externalCampaignId, ...kept }) => ({
          externalId: `${externalCampaignId}:${date}`,
          contentHash: contentHash(kept),
          fields: canonicalJson(kept),
        })),
        next: until !== null && date < until ? addDays(date, 1) : null,
        requestId: requestId?.slice(0, 200) ?? null,
        ...(day && { adMetrics: day }),
      };
    },
  };
}
