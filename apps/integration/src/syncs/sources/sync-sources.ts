import { BusinessRuleViolation } from '@bizosaas/ddd-kernel';
import type { ProviderDefinition } from '../../providers/provider.ts';
import type { ProviderCall } from '../provider-call.ts';
import type { ProviderAccess } from '../provider-access.ts';
import type { SyncModel } from '../sync.ts';
import { googleAdsMetrics } from './google-ads-metrics.ts';
import { hubspotContacts } from './hubspot-contacts.ts';
import type { SyncSource } from './sync-source.ts';

/** Which paging scheme each model is read with (a provider's `pagination` says which it speaks). */
const MODEL_PAGINATION: Readonly<Record<SyncModel, ProviderDefinition['pagination']>> = {
  contacts: 'hubspot_after',
  campaign_metrics: 'google_ads_stream',
};

/** Refuses a model the connection's provider does not offer (422 sync_model_unsupported). */
export function assertModelSupported(provider: ProviderDefinition, model: SyncModel): void {
  if (provider.pagination !== MODEL_PAGINATION[model])
    throw new BusinessRuleViolation('sync_model_unsupported', `${provider.name} offers no ${model} sync`, {
      provider: provider.key,
      model,
      supported: Object.entries(MODEL_PAGINATION)
        .filter(([, pagination]) => pagination === provider.pagination)
        .map(([supported]) => supported),
    });
}

export interface SourceSettings {
  /** The platform's Google Ads developer token (GOOGLE_ADS_DEVELOPER_TOKEN). */
  googleAdsDeveloperToken?: string | undefined;
  /** Days a first or full metrics pass covers, today included. */
  metricsWindowDays: number;
  /** Days an incremental metrics pass reads again before the last one covered. */
  metricsRestatementDays: number;
}

/** The source a run of `model` reads, over the connection's provider and credentials. */
export function sourceFor(
  model: SyncModel,
  access: ProviderAccess,
  call: ProviderCall,
  settings: SourceSettings,
): SyncSource {
  const { provider, connection, headers } = access;
  assertModelSupported(provider, model);
  if (model === 'contacts') return hubspotContacts(call, provider.baseUrl, headers);
  const customerId = connection.externalAccountId?.replace(/-/g, '');
  if (!customerId || !/^\d{1,20}$/.test(customerId))
    throw new BusinessRuleViolation('google_ads_customer_unknown', 'The connection names no Google Ads customer id', {
      connectionId: connection.id,
    });
  if (!settings.googleAdsDeveloperToken)
    throw new Error('Google Ads syncs need the platform developer token (GOOGLE_ADS_DEVELOPER_TOKEN)');
  return googleAdsMetrics(call, provider.baseUrl, headers, {
    customerId,
    developerToken: settings.googleAdsDeveloperToken,
    windowDays: settings.metricsWindowDays,
    restatementDays: settings.metricsRestatementDays,
  });
}
