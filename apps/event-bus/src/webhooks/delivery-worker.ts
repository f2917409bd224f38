import { uuidv7 } from '@bizosaas/event-schemas';
import { OutboundAddressRefusedError, type OutboundHttp } from '@bizosaas/outbound-http';
import type pg from 'pg';
import { nextAttemptAt } from './retry-schedule.ts';
import { signedHeaders } from './webhook-signature.ts';

export interface DeliveryWorkerOptions {
  /** Worker role: deliveries and subscriptions of every tenant. */
  pool: pg.Pool;
  /** Outbound HTTP that refuses private, loopback and metadata addresses (libs/outbound-http). */
  http: OutboundHttp;
  /** The clock; tests move it instead of sleeping. */
  now?: () => Date;
  /** Per-attempt HTTP timeout. */
  timeoutMs: number;
  /** A subscription failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** Deliveries claimed (and sent concurrently) per pass. Default 100. */
  batchSize?: number;
  /** How far a claimed delivery is pushed out, so a crashed worker's claim expires. Default timeout + 30 s. */
  leaseMs?: number;
  /** Told of every recorded attempt (metrics). */
  onAttempt?: (outcome: AttemptOutcome) => void;
  /**
   * The body to send and the secret to sign with, from the stored (sealed) envelope and secret
   * (src/encryption/webhook-payload.ts). A failure counts as a failed attempt.
   */
  prepare: (delivery: {
    tenant_id: string;
    subscription_id: string;
    body: string;
    secret: string;
  }) => Promise<{ body: string; secret: string }>;
}

interface Claimed {
  id: string;
  tenant_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  attempts: number;
  body: string;
  webhook_url: string;
  secret: string;
}

interface Recorded {
  delivery: Claimed;
  outcome: AttemptOutcome;
  next: Date | null;
}

/** Where a pending delivery of a paused or disabled subscription waits until resuming makes it due. */
export const PARKED_UNTIL = new Date('9999-12-31T00:00:00Z');

export interface AttemptOutcome {
  deliveryId: string;
  subscriptionId: string;
  eventType: string;
  attempt: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** The delivery after this attempt: delivered, pending (another attempt is scheduled) or dead. */
  status: 'delivered' | 'pending' | 'dead';
  latencyMs: number;
}

/**
 * Delivers due webhooks: claims due deliveries of active subscriptions (pushing them out by a
 * lease, SKIP LOCKED, so replicas never send the same one at once and a crash only delays it),
 * POSTs each signed envelope, records the attempt and schedules the next one (retry-schedule.ts)
 * or marks it delivered or dead. At least once: a receiver deduplicates by `webhook-id`.
 */
export function createDeliveryWorker(options: DeliveryWorkerOptions) {
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? options.timeoutMs + 30_000;
  const batchSize = options.batchSize ?? 100;

  /**
   * Claims the oldest due deliveries by the (status, next_attempt_at) index alone, so a pass costs
   * the same however long the queue (a join with subscriptions first made the planner sort every
   * due row). A claimed delivery of a paused or disabled subscription is parked instead of sent
   * (resuming makes its pending deliveries due now), so it is read once, not at every pass.
   */
  async function claim(at: Date): Promise<Array<Claimed & { active: boolean }>> {
    const { rows } = await options.pool.query<Claimed & { active: boolean }>(
      `WITH due AS (
         SELECT id FROM event_bus.deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE event_bus.deliveries d SET next_attempt_at = CASE WHEN s.status = 'active'
           THEN $1::timestamptz + make_interval(secs => $3::float8 / 1000) ELSE $4::timestamptz END
       FROM due, event_bus.subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.tenant_id, d.subscription_id, d.event_id, d.event_type, d.attempts,
         d.envelope::text AS body, s.webhook_url, s.secret, s.status = 'active' AS active`,
      [at, batchSize, leaseMs, PARKED_UNTIL],
    );
    return rows;
  }

  /** One signed POST: its status code, or why it failed (`refused`: the address policy said no). */
  async function send(
    delivery: Claimed,
    at: Date,
  ): Promise<{ statusCode: number | null; error: string | null; refused: boolean }> {
    let statusCode: number | null = null;
    try {
      const { body, secret } = await options.prepare(delivery);
      const response = await options.http.request(delivery.webhook_url, {
        method: 'POST',
        body,
        headers: signedHeaders(secret, delivery.event_id, at, body),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      statusCode = response.statusCode;
      await response.body.dump();
      return { statusCode, error: statusCode < 200 || statusCode > 299 ? `HTTP ${statusCode}` : null, refused: false };
    } catch (caught) {
      const error =
        caught instanceof Error
          ? `${(caught as { code?: string }).code ?? caught.name}: ${caught.message}`
          : String(caught);
      return { statusCode, error, refused: caught instanceof OutboundAddressRefusedError };
    }
  }

  async function attempt(delivery: Claimed, at: Date): Promise<Recorded> {
    const started = performance.now();
    const { statusCode, error, refused } = await send(delivery, at);
    const attempt = delivery.attempts + 1;
    // A refused address is not retried: a schedule of retries would only keep probing it.
    const next = error === null || refused ? null : nextAttemptAt(attempt, at);
    const outcome: AttemptOutcome = {
      deliveryId: delivery.id,
      subscriptionId: delivery.subscription_id,
      eventType: delivery.event_type,
      attempt,
      ok: error === null,
      statusCode,
      error,
      status: error === null ? 'delivered' : next ? 'pending' : 'dead',
      latencyMs: Math.round(performance.now() - started),
    };
    return { delivery, outcome, next };
  }

  /**
   * One statement for a whole pass (one commit instead of one per delivery): the attempts, the
   * deliveries' new state, and per subscription either a success (failing_since cleared) or a
   * failure (failing_since kept or set; disabled once it is older than disableAfterMs).
   */
  async function record(results: readonly Recorded[], at: Date): Promise<void> {
    if (results.length === 0) return;
    const rows = results.map(({ delivery, outcome, next }) => ({
      id: uuidv7(),
      tenant: delivery.tenant_id,
      delivery: delivery.id,
      subscription: delivery.subscription_id,
      attempt: outcome.attempt,
      code: outcome.statusCode,
      latency: outcome.latencyMs,
      error: outcome.error,
      ok: outcome.ok,
      status: outcome.status,
      next,
    }));
    await options.pool.query(
      `WITH r AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tenant uuid, delivery uuid, subscription uuid,
         attempt int, code int, latency int, error text, ok boolean, status text, next timestamptz)),
       attempts AS (
         INSERT INTO event_bus.delivery_attempts (id, tenant_id, delivery_id, attempt, attempted_at, status_code, latency_ms, error)
         SELECT id, tenant, delivery, attempt, $2, code, latency, error FROM r),
       by_subscription AS (SELECT subscription, bool_or(ok) AS ok FROM r GROUP BY subscription),
       subscriptions AS (
         UPDATE event_bus.subscriptions s SET
           failing_since = CASE WHEN b.ok THEN NULL ELSE COALESCE(s.failing_since, $2) END,
           status = CASE WHEN NOT b.ok AND s.status = 'active'
                          AND COALESCE(s.failing_since, $2) <= $2::timestamptz - make_interval(secs => $3::float8 / 1000)
                         THEN 'disabled' ELSE s.status END,
           updated_at = $2
         FROM by_subscription b WHERE s.id = b.subscription)
       UPDATE event_bus.deliveries d SET attempts = r.attempt, status = r.status,
         next_attempt_at = COALESCE(r.next, d.next_attempt_at), last_error = r.error
       FROM r WHERE d.id = r.delivery`,
      [JSON.stringify(rows), at, options.disableAfterMs],
    );
  }

  return {
    /** One pass: every due delivery claimed now is attempted once. Returns the outcomes. */
    async runDue(): Promise<AttemptOutcome[]> {
      const at = now();
      let claimed: Claimed[];
      // A batch of parked deliveries alone says nothing of what is due behind it: claim on.
      for (;;) {
        const batch = await claim(at);
        claimed = batch.filter((delivery) => delivery.active);
        if (claimed.length > 0 || batch.length < batchSize) break;
      }
      const results = await Promise.all(claimed.map((delivery) => attempt(delivery, at)));
      await record(results, at);
      for (const { outcome } of results) options.onAttempt?.(outcome);
      return results.map(({ outcome }) => outcome);
    },
  };
}
