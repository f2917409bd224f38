import { uuidv7 } from '@bizosaas/event-schemas';
import type pg from 'pg';
import { request } from 'undici';
import { nextAttemptAt } from './retry-schedule.ts';
import { signedHeaders } from './webhook-signature.ts';

export interface DeliveryWorkerOptions {
  /** Worker role: deliveries and subscriptions of every tenant. */
  pool: pg.Pool;
  /** The clock; tests move it instead of sleeping. */
  now?: () => Date;
  /** Per-attempt HTTP timeout. */
  timeoutMs: number;
  /** A subscription failing without a success for this long is disabled. */
  disableAfterMs: number;
  /** Deliveries claimed per pass. Default 50. */
  batchSize?: number;
  /** How far a claimed delivery is pushed out, so a crashed worker's claim expires. Default timeout + 30 s. */
  leaseMs?: number;
  /** Told of every recorded attempt (metrics). */
  onAttempt?: (outcome: AttemptOutcome) => void;
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

export interface AttemptOutcome {
  deliveryId: string;
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

  async function claim(at: Date): Promise<Claimed[]> {
    const { rows } = await options.pool.query<Claimed>(
      `WITH due AS (
         SELECT d.id FROM event_bus.deliveries d JOIN event_bus.subscriptions s ON s.id = d.subscription_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND s.status = 'active'
         ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED)
       UPDATE event_bus.deliveries d SET next_attempt_at = $1::timestamptz + make_interval(secs => $3::float8 / 1000)
       FROM due, event_bus.subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.tenant_id, d.subscription_id, d.event_id, d.event_type, d.attempts, d.envelope::text AS body, s.webhook_url, s.secret`,
      [at, options.batchSize ?? 50, leaseMs],
    );
    return rows;
  }

  async function attempt(delivery: Claimed, at: Date): Promise<AttemptOutcome> {
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await request(delivery.webhook_url, {
        method: 'POST',
        body: delivery.body,
        headers: signedHeaders(delivery.secret, delivery.event_id, at, delivery.body),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      statusCode = response.statusCode;
      await response.body.dump();
      if (statusCode < 200 || statusCode > 299) error = `HTTP ${statusCode}`;
    } catch (caught) {
      error = caught instanceof Error ? `${(caught as { code?: string }).code ?? caught.name}: ${caught.message}` : String(caught);
    }
    const attempt = delivery.attempts + 1;
    const next = error === null ? null : nextAttemptAt(attempt, at);
    const outcome: AttemptOutcome = {
      deliveryId: delivery.id, eventType: delivery.event_type, attempt, ok: error === null, statusCode, error,
      status: error === null ? 'delivered' : next ? 'pending' : 'dead', latencyMs: Math.round(performance.now() - started),
    };
    await record(delivery, outcome, at, next);
    options.onAttempt?.(outcome);
    return outcome;
  }

  async function record(delivery: Claimed, outcome: AttemptOutcome, at: Date, next: Date | null): Promise<void> {
    const { status, latencyMs } = outcome;
    await options.pool.query(
      `WITH attempt AS (
         INSERT INTO event_bus.delivery_attempts (id, tenant_id, delivery_id, attempt, attempted_at, status_code, latency_ms, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)),
       subscription AS (
         UPDATE event_bus.subscriptions SET
           failing_since = CASE WHEN $9 THEN NULL ELSE COALESCE(failing_since, $5) END,
           status = CASE WHEN NOT $9 AND status = 'active' AND COALESCE(failing_since, $5) <= $5::timestamptz - make_interval(secs => $12::float8 / 1000)
                         THEN 'disabled' ELSE status END,
           updated_at = $5
         WHERE id = $13)
       UPDATE event_bus.deliveries SET attempts = $4, status = $10, next_attempt_at = COALESCE($11, next_attempt_at), last_error = $8
       WHERE id = $3`,
      [uuidv7(), delivery.tenant_id, delivery.id, outcome.attempt, at, outcome.statusCode, latencyMs, outcome.error,
        outcome.ok, status, next, options.disableAfterMs, delivery.subscription_id],
    );
  }

  return {
    /** One pass: every due delivery claimed now is attempted once. Returns the outcomes. */
    async runDue(): Promise<AttemptOutcome[]> {
      const at = now();
      const claimed = await claim(at);
      return Promise.all(claimed.map((delivery) => attempt(delivery, at)));
    },
  };
}
