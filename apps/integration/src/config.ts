import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, url, workerDatabaseEnv } from '@bizosaas/config';
import { activeMasterKeyVariable, checkActiveMasterKey, masterKeysVariable } from '@bizosaas/envelope-encryption';
import { outboundAllowedCidrs } from '@bizosaas/outbound-http';
import { providerDefinition } from './providers/provider.ts';

/** A variable holding JSON (default `{}`), parsed and then checked by `schema`. */
const jsonVariable = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .default('{}')
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

export const configSchema = z
  .object({
    PORT: port(8004),
    ...baseServiceEnv,
    ...databaseEnv,
    ...authEnv,
    /** Cross-tenant role (bizosaas_worker): the outbox relay, webhook lookups, the refresher, the scheduler. */
    ...workerDatabaseEnv,
    WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(5),
    /** JSON `{"<keyId>": "<32 bytes, base64>"}` wrapping the tenants' data keys that seal credentials. */
    INTEGRATION_MASTER_KEYS: masterKeysVariable,
    /** The key that wraps new data keys; may be omitted when there is only one. */
    INTEGRATION_ACTIVE_MASTER_KEY_ID: activeMasterKeyVariable,
    /** This replica's name in consumer groups and run leases (the pod name in k8s). */
    CONSUMER_NAME: z
      .string()
      .regex(/^[\w.:-]{1,100}$/)
      .default('integration-1'),
    /** The gateway as providers reach it: the OAuth redirect URI and webhook URLs start with it. */
    PUBLIC_BASE_URL: url(['http', 'https']).default('http://127.0.0.1:8080'),
    /** Where CRM records are forwarded (domain-repository's POST /api/v1/crm-events/:provider). */
    DOMAIN_REPOSITORY_URL: url(['http', 'https']).default('http://127.0.0.1:8011'),
    /** The event-bus, whose history (archive) replays of a sync read (POST /api/v1/events/history). */
    EVENT_BUS_URL: url(['http', 'https']).default('http://127.0.0.1:8009'),
    /** user-management, where the service's tenant tokens come from (POST /api/v1/auth/service-tokens). */
    USER_MANAGEMENT_URL: url(['http', 'https']).default('http://127.0.0.1:8001'),
    /**
     * This service's client in user-management's SERVICE_CLIENTS (allowed integrations:manage):
     * tokens of a tenant for forwarding its CRM records. Both or neither; without them contacts
     * syncs cannot forward and fail.
     */
    SERVICE_CLIENT_ID: z.string().min(1).optional(),
    SERVICE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Non-public CIDRs providers may be reached at (development and tests: 127.0.0.0/8). */
    OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs,
    /**
     * JSON `{"<provider>": {"clientId": "...", "clientSecret": "..."}}`: the platform's OAuth 2 apps
     * registered with each built-in provider.
     */
    OAUTH_CLIENTS: jsonVariable(
      z.record(z.string(), z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) })),
    ),
    /**
     * JSON `{"<provider>": {...part of its definition}}`: built-in providers at other URLs (a
     * provider's sandbox, or the local servers of tests and development).
     */
    PROVIDER_OVERRIDES: jsonVariable(z.record(z.string(), providerDefinition.partial())),
    /** Time between the end of one token refresh cycle and the start of the next. */
    OAUTH_REFRESH_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    /** The proxy's breaker per provider: consecutive failures that open it, and when it tries again. */
    PROXY_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
    PROXY_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(1000).default(30_000),
    PROXY_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
    PROXY_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1024).default(5_242_880),
    /** The longest a provider's Retry-After or rate-limit reset holds a connection's calls back. */
    PROXY_MAX_COOLDOWN_MS: z.coerce.number().int().min(1000).default(3_600_000),
    /** The platform's Google Ads developer token (the campaign_metrics syncs of Google Ads need it). */
    GOOGLE_ADS_DEVELOPER_TOKEN: z.string().min(1).optional(),
    /** A sync run's lease: a replica that stops renewing it for this long loses the run to another. */
    SYNC_LEASE_MS: z.coerce.number().int().min(5_000).default(60_000),
    /** How often due schedules and expired leases are looked for. */
    SYNC_TICK_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    SYNC_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(64).default(4),
    /** Whether this replica starts due schedules and takes over expired runs. */
    SYNC_SCHEDULER: z.stringbool().default(true),
    /** Google Ads metrics: the days a full sync covers, and the days an incremental one reads again (late conversions). */
    SYNC_METRICS_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    SYNC_METRICS_RESTATEMENT_DAYS: z.coerce.number().int().min(0).max(90).default(3),
    /** Key namespace of the platform's event streams. */
    EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
    PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
    IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
    PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  })
  .superRefine(checkActiveMasterKey('INTEGRATION_MASTER_KEYS', 'INTEGRATION_ACTIVE_MASTER_KEY_ID'))
  .superRefine((config, context) => {
    // A client without its secret (or the reverse) is a half-done deployment, not "forwarding off".
    const missing = config.SERVICE_CLIENT_ID ? 'SERVICE_CLIENT_SECRET' : 'SERVICE_CLIENT_ID';
    if (Boolean(config.SERVICE_CLIENT_ID) !== Boolean(config.SERVICE_CLIENT_SECRET))
      context.addIssue({
        code: 'custom',
        path: [missing],
        message: 'must be set with the other SERVICE_CLIENT_ variable',
      });
  });

export type Config = z.infer<typeof configSchema>;
