import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, url, workerDatabaseEnv } from '@bizosaas/config';
import { activeMasterKeyVariable, checkActiveMasterKey, masterKeysVariable } from '@bizosaas/envelope-encryption';
import { outboundAllowedCidrs } from '@bizosaas/outbound-http';

export const configSchema = z
  .object({
    PORT: port(8000),
    ...baseServiceEnv,
    ...databaseEnv,
    ...authEnv,
    /** Cross-tenant role (bizosaas_worker): the outbox relay, run claims, the reaper, approval expiry. */
    ...workerDatabaseEnv,
    WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(5),
    /** JSON `{"<keyId>": "<32 bytes, base64>"}` wrapping the tenants' data keys that seal LLM API keys. */
    AGENTS_MASTER_KEYS: masterKeysVariable,
    AGENTS_ACTIVE_MASTER_KEY_ID: activeMasterKeyVariable,
    /** This replica's name in consumer groups and run leases (the pod name in k8s). */
    CONSUMER_NAME: z
      .string()
      .regex(/^[\w.:-]{1,100}$/)
      .default('ai-agents-1'),
    /** Key namespace of the platform's event streams the triggers consume (tests use their own). */
    EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
    /** Where leads and campaigns are read and scores and optimisations are sent. */
    DOMAIN_REPOSITORY_URL: url(['http', 'https']).default('http://127.0.0.1:8011'),
    /** user-management, where the service's tenant tokens come from (POST /api/v1/auth/service-tokens). */
    USER_MANAGEMENT_URL: url(['http', 'https']).default('http://127.0.0.1:8001'),
    /**
     * This service's client in user-management's SERVICE_CLIENTS (allowed leads:read,
     * leads:write, campaigns:read, campaigns:write). Both or neither; without them lead_scoring
     * and campaign_optimization are unavailable (422 ANALYSIS_TYPE_UNAVAILABLE).
     */
    AGENTS_SERVICE_CLIENT_ID: z.string().min(1).optional(),
    AGENTS_SERVICE_CLIENT_SECRET: z.string().min(1).optional(),
    /** Non-public CIDRs site audits may fetch (development and tests: 127.0.0.0/8). */
    OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs,
    /** Runners claim only analyses their deployment's group made (tests isolate themselves by it). */
    RUN_GROUP: z
      .string()
      .regex(/^[\w.:-]{1,100}$/)
      .default('default'),
    /** Runs executed at once per replica. */
    RUN_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    /** A run's owner renews its lease this often; a run whose lease ran out is taken over. */
    RUN_LEASE_MS: z.coerce.number().int().min(1000).default(30_000),
    /** The runner looks for queued and abandoned runs (and expired approvals) this often when nothing wakes it. */
    RUN_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(1000),
    /** The budget of an analysis that names none (a request may set its own, within the schema's bounds). */
    RUN_DEFAULT_MAX_STEPS: z.coerce.number().int().min(1).default(50),
    RUN_DEFAULT_MAX_TOOL_CALLS: z.coerce.number().int().min(1).default(30),
    RUN_DEFAULT_MAX_TOKENS: z.coerce.number().int().min(1).default(100_000),
    RUN_DEFAULT_DEADLINE_MS: z.coerce.number().int().min(1000).default(300_000),
    /** The same (agent, tool, arguments) this many times in one run is a loop. */
    LOOP_REPEAT_LIMIT: z.coerce.number().int().min(2).default(3),
    /** Monthly tokens of a tenant without its own quota (0: no limit). */
    DEFAULT_MONTHLY_TOKEN_QUOTA: z.coerce.number().int().min(0).default(2_000_000),
    /** How long a flagged tool call waits for a person before it counts as declined. */
    APPROVAL_TIMEOUT_MS: z.coerce.number().int().min(1000).default(86_400_000),
    /** A launched campaign's optimisation runs again this often while it runs (0: not watched). */
    CAMPAIGN_MONITOR_INTERVAL_MS: z.coerce.number().int().min(0).default(21_600_000),
    /** One LLM call's limit before it fails with LLM_TIMEOUT. */
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
    IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
    PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  })
  .superRefine(checkActiveMasterKey('AGENTS_MASTER_KEYS', 'AGENTS_ACTIVE_MASTER_KEY_ID'))
  .superRefine((config, context) => {
    if (Boolean(config.AGENTS_SERVICE_CLIENT_ID) !== Boolean(config.AGENTS_SERVICE_CLIENT_SECRET))
      context.addIssue({
        code: 'custom',
        path: ['AGENTS_SERVICE_CLIENT_SECRET'],
        message: 'AGENTS_SERVICE_CLIENT_ID and AGENTS_SERVICE_CLIENT_SECRET go together',
      });
  });

export type Config = z.infer<typeof configSchema>;
