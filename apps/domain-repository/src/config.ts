import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, workerDatabaseEnv } from '@bizosaas/config';
import { outboundAllowedCidrs } from '@bizosaas/outbound-http';
import { DEFAULT_CRM_WORK_STREAM } from './crm-ingestion/crm-work-queue.ts';

export const configSchema = z.object({
  PORT: port(8011),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
  /** Cross-tenant role (bizosaas_worker) of the outbox relay and the projections. */
  ...workerDatabaseEnv,
  // The relay and the projection manager each keep a LISTEN connection and use one per batch.
  WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(5),
  /** Projections poll this often when no outbox notification arrives. */
  PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  /** This replica's name in the CRM work queue's and lead scoring's consumer groups (the pod name in k8s). */
  CONSUMER_NAME: z
    .string()
    .regex(/^[\w.:-]{1,100}$/)
    .default('domain-repository-1'),
  CRM_WORK_STREAM: z.string().min(1).default(DEFAULT_CRM_WORK_STREAM),
  /** Key namespace of the platform's event streams this service consumes (ai_analysis); tests use their own. */
  EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
  CRM_MAX_DELIVERIES: z.coerce.number().int().min(1).max(50).default(5),
  CRM_RETRY_IDLE_MS: z.coerce.number().int().min(100).default(30_000),
  CRM_REQUEUE_AFTER_MS: z.coerce.number().int().min(1_000).default(300_000),
  CRM_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  CRM_FETCH_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  CRM_SALESFORCE_BASE_URL: z.url().optional(),
  CRM_SALESFORCE_ACCESS_TOKEN: z.string().min(1).optional(),
  CRM_SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.\d$/, 'must be like 62.0')
    .default('62.0'),
  CRM_HUBSPOT_BASE_URL: z.url().default('https://api.hubapi.com'),
  CRM_HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  CRM_PIPEDRIVE_BASE_URL: z.url().optional(),
  CRM_PIPEDRIVE_API_TOKEN: z.string().min(1).optional(),
  /** Non-public CIDRs the CRM APIs may be reached at (development: 127.0.0.0/8); link-local and metadata never. */
  OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs,
  /** Idempotency-Key results are kept this long (a client's retry window), then pruned. */
  IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  /** How often expired Idempotency-Key results and inbox records are deleted. */
  PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  /** Every customer's churn risk is re-assessed this often (it grows with time since the last purchase). */
  CHURN_REASSESS_INTERVAL_MS: z.coerce.number().int().min(1_000).default(86_400_000),
  CHURN_REASSESS_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
  /** How far in the future a fact (purchase, interaction, CRM change) may be dated: the sender's clock may run this much ahead. */
  CLOCK_SKEW_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
});

export type Config = z.infer<typeof configSchema>;
