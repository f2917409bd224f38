import { ValidationError } from '@bizosaas/ddd-kernel';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { Delivery, EventHandler } from '@bizosaas/messaging';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import pg from 'pg';
import { isTransientError } from './transient-error.ts';

/** In-process retries of transient failures, before the delivery fails back to the stream. */
export interface InboxRetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** First backoff delay; it grows exponentially with jitter. Default 100 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Default isTransientError. */
  isTransient?: (error: unknown) => boolean;
}

export interface InboxHandlerOptions<E> {
  /**
   * App-role pool for tenant-scoped effects: the transaction runs with the event's tenant set,
   * so RLS confines the effect to that tenant. A worker-role pool suits effects across
   * tenants (its policies see every tenant).
   */
  pool: pg.Pool;
  /** Schema holding the inbox table (see eventStoreDdl). */
  schema: string;
  /** The inbox key of this effect: stable across replicas (e.g. the group name), never the pod name. */
  consumer: string;
  /** The effect, run only for an event not seen before, on `client` inside the inbox transaction. */
  handle: (event: E, client: pg.PoolClient, delivery: Delivery) => Promise<void>;
  /** `false` disables in-process retries. */
  retry?: InboxRetryOptions | false;
  /** How long to wait for a row lock (e.g. another consumer holding the same event). Default 5 s. */
  lockTimeoutMs?: number;
  /** PostgreSQL ends the session of a handler idle this long inside its transaction (hung). Default 30 s. */
  transactionIdleTimeoutMs?: number;
}

interface InboxEvent {
  id: string;
  tenantId: string;
}

/**
 * Wraps an effect into a libs/messaging EventHandler with a transactional inbox: one
 * transaction sets the event's tenant, records (consumer, event id) in the inbox and runs the
 * effect, so the effect commits exactly once however often the event is delivered; an event
 * already recorded commits nothing. Transient errors are retried with exponential backoff
 * (cockatiel); then the error reaches the consumer, which redelivers the entry later and
 * dead-letters it after maxDeliveries.
 */
export function createInboxHandler<E extends InboxEvent = DomainEvent>(options: InboxHandlerOptions<E>): EventHandler<E> {
  const insert = `INSERT INTO ${pg.escapeIdentifier(options.schema)}.inbox (consumer, event_id, tenant_id)
    VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`;
  const lockTimeout = Math.trunc(options.lockTimeoutMs ?? 5_000);
  const idleTimeout = Math.trunc(options.transactionIdleTimeoutMs ?? 30_000);
  // One simple-protocol round trip; the tenant id is checked to be a UUID before it is inlined.
  const begin = (tenantId: string) => `BEGIN; SELECT set_config('app.current_tenant_id', '${tenantId}', true),
    set_config('lock_timeout', '${lockTimeout}ms', true), set_config('idle_in_transaction_session_timeout', '${idleTimeout}ms', true)`;

  const attempt = async (event: E, delivery: Delivery) => {
    if (!UUID.test(event.tenantId)) {
      throw new ValidationError('Event has an invalid tenantId', [{ path: 'tenantId', message: 'must be a UUID' }]);
    }
    const client = await options.pool.connect();
    // A session ended while idle (e.g. by the idle timeout) is reported as an 'error' event,
    // which would crash the process without a listener; the next query fails instead.
    client.on('error', ignore);
    let reusable = true;
    try {
      await client.query(begin(event.tenantId));
      const fresh = await client.query(insert, [options.consumer, event.id, event.tenantId]);
      if (fresh.rowCount === 1) await options.handle(event, client, delivery);
      const committed = await client.query('COMMIT');
      // A handler that swallowed an SQL error leaves an aborted transaction: COMMIT then rolls back.
      if (committed.command !== 'COMMIT') throw new Error('inbox transaction was rolled back (a statement in the handler failed)');
    } catch (error) {
      reusable = await client.query('ROLLBACK').then(() => true, () => false);
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(!reusable);
    }
  };

  if (options.retry === false) return attempt;
  const { maxRetries = 3, initialDelayMs = 100, maxDelayMs = 2_000, isTransient = isTransientError } = options.retry ?? {};
  const policy = retry(handleWhen((error) => isTransient(error)), {
    maxAttempts: maxRetries,
    backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
  });
  return (event, delivery) => policy.execute(() => attempt(event, delivery));
}

const ignore = () => {};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
