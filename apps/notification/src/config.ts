import { z } from 'zod';
import { authEnv, baseServiceEnv, databaseEnv, port, url, workerDatabaseEnv } from '@bizosaas/config';
import { outboundAllowedCidrs } from '@bizosaas/outbound-http';
import { emailWebhookSigningKeys } from './callbacks/webhook-signing-keys.ts';

/** `name=url` or a bare URL (named smtp-1, smtp-2, ... by position), comma-separated, tried in order. */
const smtpProviders = z
  .string()
  .default('smtp://127.0.0.1:1025')
  .transform((text, context) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part, index) => {
        const at = part.indexOf('=');
        const [name, address] = at > 0 ? [part.slice(0, at), part.slice(at + 1)] : [`smtp-${index + 1}`, part];
        if (!/^smtps?:\/\//.test(address) || !URL.canParse(address))
          context.addIssue({ code: 'custom', message: `${part} is not an smtp:// or smtps:// URL` });
        return { name, url: address };
      }),
  )
  .pipe(z.array(z.object({ name: z.string().regex(/^[\w.-]{1,50}$/), url: z.string() })).min(1));

export const configSchema = z.object({
  PORT: port(8005),
  ...baseServiceEnv,
  ...databaseEnv,
  ...authEnv,
  /** Cross-tenant role (bizosaas_worker): the outbox relay, the dispatcher's claims, pruning. */
  ...workerDatabaseEnv,
  WORKER_DATABASE_POOL_MAX: z.coerce.number().int().min(3).default(5),
  /** This replica's name in consumer groups (the pod name in k8s). */
  CONSUMER_NAME: z
    .string()
    .regex(/^[\w.:-]{1,100}$/)
    .default('notification-1'),
  /** Key namespace of the platform's event streams the rules consume (tests use their own). */
  EVENT_STREAM_NAMESPACE: z.string().min(1).default('bizosaas:events'),
  /** Where links in messages point (unsubscribe, tracking, provider callbacks): the gateway's public URL. */
  PUBLIC_BASE_URL: url(['http', 'https']).default('http://127.0.0.1:8080'),
  /** Email providers in the order they are tried (the first that accepts sends). */
  SMTP_URLS: smtpProviders,
  EMAIL_FROM: z.string().min(3).default('BizOSaaS <notifications@bizosaas.local>'),
  /** Open pixel and click-tracked links in emails. */
  EMAIL_TRACKING: z.stringbool().default(true),
  /** `provider=key,...`: the key each email provider signs its webhooks with (Mailgun: the HTTP webhook signing key). */
  EMAIL_WEBHOOK_SIGNING_KEYS: emailWebhookSigningKeys,
  /** Pooled SMTP connections per provider. */
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** Twilio's Messages API (or one speaking its wire format); SMS is unavailable without an account. */
  TWILIO_BASE_URL: url(['http', 'https']).default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_FROM: z.string().min(1).optional(),
  /** Web Push (VAPID) keys from `npx web-push generate-vapid-keys`; push is unavailable without them. */
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  VAPID_SUBJECT: z.string().min(1).default('mailto:notifications@bizosaas.local'),
  /** Non-public CIDRs push endpoints and the SMS API may be reached at (development: 127.0.0.0/8). */
  OUTBOUND_ALLOWED_CIDRS: outboundAllowedCidrs,
  /** A send that fails transiently is retried this many times (backoff doubling from the base), then fails. */
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  SEND_RETRY_BASE_MS: z.coerce.number().int().min(10).default(30_000),
  /**
   * false: this replica takes requests and commits messages but sends nothing; replicas with
   * true send them, woken by the NOTIFY that follows every commit of messages, so the API and
   * the sending can be deployed and scaled apart.
   */
  DISPATCH_ENABLED: z.stringbool().default(true),
  /** The dispatcher looks for due messages this often when nothing wakes it. */
  DISPATCH_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
  DISPATCH_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
  /** The dispatcher's own connections (app role): each message holds one only while it is read or recorded. */
  DISPATCH_DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(8),
  /** Messages sent at once per replica. */
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(32),
  /**
   * How long a claimed message stays this replica's before another may take it over (and before a
   * cancel may stop it). A message is started only while at least half its lease is left; the rest
   * of a slow batch goes back to the queue at once. So the lease must exceed twice the longest
   * send: every provider of the channel's chain timing out in turn (SMTP: 3 s to connect, 3 s to
   * greet, 20 s of silence; SMS and push: 10 s).
   */
  DISPATCH_LEASE_MS: z.coerce.number().int().min(1_000).default(120_000),
  /** Concurrent triggers of one tenant commit together: at most this many in one transaction ... */
  TRIGGER_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(50),
  /** ... and this many such transactions of one tenant at once per replica. */
  TRIGGER_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(2),
  /** A repeated trigger (same transactionId or Idempotency-Key) answers the first 202 this long. */
  IDEMPOTENCY_RETENTION_MS: z.coerce.number().int().min(60_000).default(86_400_000),
  PRUNE_INTERVAL_MS: z.coerce.number().int().min(100).default(3_600_000),
  PROJECTION_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(250),
});

export type Config = z.infer<typeof configSchema>;
