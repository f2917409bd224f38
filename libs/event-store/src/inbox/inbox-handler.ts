import { ConcurrencyError, ValidationError } from '@bizosaas/ddd-kernel';
import type { DomainEvent } from '@bizosaas/event-schemas';
import {
  isTransientError,
  type BatchItem,
  type Delivery,
  type EventBatchHandler,
  type EventHandler,
} from '@bizosaas/messaging';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import pg from 'pg';
import { queryStatements } from '../store/query-statements.ts';

/** In-process retries of transient failures, before the delivery fails back to the stream. */
export interface InboxRetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** First backoff delay; it grows exponentially with jitter. Default 100 ms. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Default: isTransientError (libs/messaging) or a version conflict (another writer got there first). */
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
  /**
   * Optional, for createInboxBatchHandler: the effect of several new events of one tenant at
   * once (e.g. a projection's applyBatch), instead of `handle` per event.
   */
  handleBatch?: (events: E[], client: pg.PoolClient) => Promise<void>;
  /**
   * For createInboxBatchHandler with a worker-role pool (effects across tenants, e.g. a
   * projection): the whole batch is one group, recorded in one statement and given to
   * `handleBatch` at once, with no tenant set. The app role's RLS refuses this.
   */
  acrossTenants?: boolean;
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
export function createInboxHandler<E extends InboxEvent = DomainEvent>(
  options: InboxHandlerOptions<E>,
): EventHandler<E> {
  const record = inboxRecorder(options);
  const attempt = (event: E, delivery: Delivery) =>
    inInboxTransaction(options, async (client, begin) => {
      if ((await record(client, event.tenantId, [event], begin())).length === 1)
        await options.handle(event, client, delivery);
    });
  return withRetries(options.retry, attempt);
}

/**
 * The same inbox for a whole read at once (ConsumerOptions.batchHandler): one transaction and
 * one commit for the batch. Events are taken tenant by tenant (tenants in id order, events in
 * stream order within each, so each aggregate's order holds): the tenant is set, the events are
 * recorded in one statement, and the new ones go to `handleBatch` together (or to `handle` one
 * by one). If any effect fails the batch rolls back and the consumer hands its events to the
 * per-event handler (createInboxHandler with the same options), which isolates the bad one.
 */
export function createInboxBatchHandler<E extends InboxEvent = DomainEvent>(
  options: InboxHandlerOptions<E>,
): EventBatchHandler<E> {
  const record = inboxRecorder(options);
  const attempt = (batch: readonly BatchItem<E>[]) =>
    inInboxTransaction(options, async (client, begin) => {
      const groups = options.acrossTenants ? [['', [...batch]] as const] : byTenant(batch);
      for (const [tenantId, items] of groups) {
        const fresh = await record(
          client,
          tenantId,
          items.map(({ event }) => event),
          begin(),
        );
        if (fresh.length === 0) continue;
        if (options.handleBatch) await options.handleBatch(fresh, client);
        else
          for (const event of fresh)
            await options.handle(event, client, items.find((item) => item.event === event)!.delivery);
      }
    });
  return withRetries(options.retry, attempt);
}

function byTenant<E extends InboxEvent>(batch: readonly BatchItem<E>[]): [string, BatchItem<E>[]][] {
  const groups = new Map<string, BatchItem<E>[]>();
  for (const item of batch) groups.set(item.event.tenantId, [...(groups.get(item.event.tenantId) ?? []), item]);
  return [...groups].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Sets the tenant (transaction-local; '' for none) and records the events in one statement (the
 * setting is made in a CTE the insert reads from, so RLS checks the rows against it); returns
 * the events not recorded before, in the given order. `begin` (the transaction's opening, or '')
 * travels in the same round trip, so a batch's first statement costs no extra one: ids and
 * tenants are checked UUIDs and the consumer name is escaped, so they are inlined.
 */
function inboxRecorder<E extends InboxEvent>(options: InboxHandlerOptions<E>) {
  const table = `${pg.escapeIdentifier(options.schema)}.inbox`;
  const consumer = pg.escapeLiteral(options.consumer);
  return async (client: pg.PoolClient, tenantId: string, events: readonly E[], begin: string): Promise<E[]> => {
    const invalid = events.find((event) => !UUID.test(event.tenantId) || !UUID.test(event.id));
    if (invalid) {
      const path = UUID.test(invalid.tenantId) ? 'id' : 'tenantId';
      throw new ValidationError(`Event has an invalid ${path}`, [{ path, message: 'must be a UUID' }]);
    }
    const uuids = (values: string[]) => `'{${values.join(',')}}'::uuid[]`;
    const results = await queryStatements<{ event_id: string }>(
      client,
      `${begin}WITH tenant AS (SELECT set_config('app.current_tenant_id', '${tenantId}', true))
      INSERT INTO ${table} (consumer, event_id, tenant_id)
      SELECT ${consumer}, e.id, e.tenant_id
      FROM tenant, unnest(${uuids(events.map((event) => event.id))}, ${uuids(events.map((event) => event.tenantId))}) AS e(id, tenant_id)
      ON CONFLICT DO NOTHING RETURNING event_id`,
    );
    const { rows } = results.at(-1)!;
    const fresh = new Set(rows.map((row) => row.event_id));
    // A redelivered batch may hold an event twice: only its first copy is new.
    return events.filter((event) => fresh.delete(event.id.toLowerCase()));
  };
}

/**
 * Runs `work` in one transaction (lock and idle timeouts set) and commits it; rolls back and
 * rethrows on failure. The opening is not sent by itself: `begin()` hands it, once, to
 * whichever statement `work` sends first.
 */
async function inInboxTransaction<E>(
  options: InboxHandlerOptions<E>,
  work: (client: pg.PoolClient, begin: () => string) => Promise<void>,
): Promise<void> {
  const lockTimeout = Math.trunc(options.lockTimeoutMs ?? 5_000);
  const idleTimeout = Math.trunc(options.transactionIdleTimeoutMs ?? 30_000);
  let opening = `BEGIN; SELECT set_config('lock_timeout', '${lockTimeout}ms', true),
      set_config('idle_in_transaction_session_timeout', '${idleTimeout}ms', true); `;
  const begin = () => {
    const sent = opening;
    opening = '';
    return sent;
  };
  const client = await options.pool.connect();
  // A session ended while idle (e.g. by the idle timeout) is reported as an 'error' event,
  // which would crash the process without a listener; the next query fails instead.
  client.on('error', ignore);
  let reusable = true;
  try {
    await work(client, begin);
    if (opening !== '') return; // nothing was sent: no transaction to commit
    const committed = await client.query('COMMIT');
    // A handler that swallowed an SQL error leaves an aborted transaction: COMMIT then rolls back.
    if (committed.command !== 'COMMIT')
      throw new Error('inbox transaction was rolled back (a statement in the handler failed)');
  } catch (error) {
    reusable = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(!reusable);
  }
}

function withRetries<A extends unknown[]>(
  options: InboxRetryOptions | false | undefined,
  attempt: (...args: A) => Promise<void>,
) {
  if (options === false) return attempt;
  const { maxRetries = 3, initialDelayMs = 100, maxDelayMs = 2_000, isTransient = retriable } = options ?? {};
  const policy = retry(
    handleWhen((error) => isTransient(error)),
    {
      maxAttempts: maxRetries,
      backoff: new ExponentialBackoff({ initialDelay: initialDelayMs, maxDelay: maxDelayMs }),
    },
  );
  return (...args: A) => policy.execute(() => attempt(...args));
}

const ignore = () => {};
const retriable = (error: unknown) => isTransientError(error) || error instanceof ConcurrencyError;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
