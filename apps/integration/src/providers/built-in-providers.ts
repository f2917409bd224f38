import type { ProviderDefinition } from './provider.ts';

/** The providers every tenant can connect (URLs as the providers document them). */
export const BUILT_IN_PROVIDERS: readonly ProviderDefinition[] = [
  {
    key: 'hubspot',
    name: 'HubSpot',
    category: 'crm',
    auth: {
      type: 'oauth2',
      authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
      scopes: ['crm.objects.contacts.read', 'oauth'],
      clientAuth: 'client_secret_post',
      authorizationParams: {},
    },
    baseUrl: 'https://api.hubapi.com',
    refresh: { aheadMs: 300_000, everyMs: 86_400_000 },
    // HubSpot: 100 requests per 10 s per app installation (Professional).
    rateLimit: { perSecond: 10, burst: 100 },
    webhooks: { scheme: 'hubspot_v3', toleranceSeconds: 300 },
    pagination: 'hubspot_after',
  },
  {
    key: 'google_ads',
    name: 'Google Ads',
    category: 'ads',
    auth: {
      type: 'oauth2',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      scopes: ['https://www.googleapis.com/auth/adwords'],
      clientAuth: 'client_secret_post',
      // A refresh token only comes with offline access, and again only with consent.
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
    },
    baseUrl: 'https://googleads.googleapis.com',
    refresh: { aheadMs: 300_000, everyMs: 86_400_000 },
    rateLimit: { perSecond: 5, burst: 20 },
    webhooks: { scheme: 'none', toleranceSeconds: 300 },
    pagination: 'google_ads_stream',
  },
  {
    key: 'meta_ads',
    name: 'Meta Ads',
    category: 'ads',
    auth: {
      type: 'oauth2',
      authorizationUrl: 'https://www.facebook.com/v21.0/dialog/oauth',
      tokenUrl: 'https://graph.facebook.com/v21.0/oauth/access_token',
      scopes: ['ads_read'],
      clientAuth: 'client_secret_post',
      authorizationParams: {},
    },
    baseUrl: 'https://graph.facebook.com',
    refresh: { aheadMs: 86_400_000, everyMs: 86_400_000 },
    rateLimit: { perSecond: 5, burst: 50 },
    webhooks: { scheme: 'meta_sha256', toleranceSeconds: 300 },
    pagination: 'cursor',
  },
  {
    key: 'stripe',
    name: 'Stripe',
    category: 'payments',
    auth: { type: 'api_key', header: 'authorization', format: 'Bearer {key}' },
    baseUrl: 'https://api.stripe.com',
    refresh: { aheadMs: 0, everyMs: 86_400_000 },
    // Stripe: 100 read requests per second in live mode.
    rateLimit: { perSecond: 25, burst: 100 },
    webhooks: { scheme: 'stripe', toleranceSeconds: 300 },
    pagination: 'cursor',
  },
];
