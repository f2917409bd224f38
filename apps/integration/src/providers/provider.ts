import { z } from 'zod';

/** How a provider signs its webhooks (the documented scheme each one uses). */
export const webhookScheme = z.enum(['stripe', 'hubspot_v3', 'meta_sha256', 'none']);

/** Providers are data: everything the platform needs to connect, refresh, call, page and verify. */
export const providerDefinition = z.strictObject({
  key: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/),
  name: z.string().min(1).max(100),
  /** What it is for: crm, ads, payments, other. */
  category: z.enum(['crm', 'ads', 'payments', 'other']),
  auth: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('oauth2'),
      authorizationUrl: z.url({ protocol: /^https?$/ }),
      tokenUrl: z.url({ protocol: /^https?$/ }),
      /** RFC 7009 revocation endpoint, when the provider has one (used when a connection is deleted). */
      revocationUrl: z.url({ protocol: /^https?$/ }).optional(),
      scopes: z.array(z.string().min(1).max(200)).max(50),
      /** client_secret_post or client_secret_basic at the token endpoint. */
      clientAuth: z.enum(['client_secret_post', 'client_secret_basic']).default('client_secret_basic'),
      /** Extra authorization parameters (access_type=offline, prompt=consent, ...). */
      authorizationParams: z.record(z.string(), z.string()).default({}),
    }),
    z.strictObject({
      type: z.literal('api_key'),
      /** Where the key goes: a header (`Authorization: Bearer {key}` or `X-Api-Key: {key}`). */
      header: z.string().min(1).max(100),
      /** The header's value with `{key}` standing for the key. */
      format: z.string().includes('{key}').max(200),
    }),
  ]),
  /** The API base URL proxy calls and syncs are made against. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Refresh access tokens this long before they expire, and at least this often. */
  refresh: z.strictObject({ aheadMs: z.int().min(0), everyMs: z.int().min(60_000) }).default({
    aheadMs: 300_000,
    everyMs: 86_400_000,
  }),
  /** Requests per second a connection may make (a token bucket in Redis), and the burst. */
  rateLimit: z.strictObject({ perSecond: z.number().positive(), burst: z.int().min(1) }),
  webhooks: z.strictObject({ scheme: webhookScheme, toleranceSeconds: z.int().min(1).default(300) }),
  /** How list endpoints page: a cursor in the body (`after`) or a page token. */
  pagination: z.enum(['hubspot_after', 'google_ads_stream', 'cursor', 'none']),
});

export type ProviderDefinition = z.output<typeof providerDefinition>;
