import { setTimeout as delay } from 'node:timers/promises';
import { reconnectDelay } from '@bizosaas/messaging';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { outboxChannel } from '../schema/event-store-ddl.ts';
import { outboxBacklog } from './outbox-backlog.ts';
import { listenForNotifications, type NotificationListener } from '../notifications/listen.ts';
import { relayBatch, type BatchContext, type BatchOutcome, type BatchStep } from './relay-batch.ts';
import { relayMetrics } from './relay-metrics.ts';
import { createWakeSignal } from '../notifications/wake-signal.ts';

export interface OutboxRelayOptions {
  /** Worker-role pool (reads every tenant's rows). The relay keeps one connection for LISTEN and uses one per batch. */
  pool: pg.Pool;
  /** Schema holding the outbox (see eventStoreDdl). */
  schema: string;
  redis: Redis;
  /** Rows per transaction and XADD pipeline. Default 500. */
  batchSize?: number;
  /** Fallback poll when no notification arrives (a missed NOTIFY, a dead relay's rows). Default 1000 ms. */
  pollIntervalMs?: number;
  /**
   * PostgreSQL ends a relay session that sits this long inside its transaction (e.g. stuck on
   * Redis), releasing its rows and the relay lock to a standby. Default 30 s.
   */
  transactionIdleTimeoutMs?: number;
  /** prom-client registry for the relay's metrics (see relayMetrics). */
  metrics?: Registry;
  /** Errors the relay recovers from by itself (PostgreSQL or Redis down); log them. */
  onError?: (error: unknown) => void;
  /**
   * The origin of this process's OutboxNotifier when it wakes this relay in-process
   * (`notifier.subscribe(relay.wake)`): its NOTIFYs, which arrive after the rows were relayed,
   * would each cost an empty pass. NOTIFYs of other processes' notifiers still wake the relay.
   */
  ignoreNotificationsFrom?: string;
  /** Awaited after a batch's XADDs and before its COMMIT: diagnostics and fault-injection tests. */
  beforeCommit?: BatchContext['beforeCommit'];
  /** Each pass's outcome: `busy` when another relay of the schema holds the lock (this one stands by). */
  onBatch?: (outcome: BatchOutcome) => void;
  /**
   * Called with each NOTIFY the relay takes (other processes' commits of outbox rows), besides its
   * own wake-up: other work waiting for those commits (a dispatcher) is woken by the relay's
   * LISTEN instead of holding a connection for one of its own.
   */
  onNotify?: () => void;
}

export interface OutboxRelay {
  /** Starts LISTENing and relaying in the background. */
  start(): Promise<void>;
  /** There may be new rows: run a batch now (e.g. `notifier.subscribe(relay.wake)` in the writing process). */
  wake(this: void): void;
  /** Finishes the batch in hand (publish, delete, commit), stops listening, resolves. Leaves the pool and Redis open. */
  stop(): Promise<void>;
}

/**
 * Moves committed outbox rows to Redis Streams, at least once and in position order. Safe in
 * several replicas: a transaction-scoped advisory lock lets one relay of a schema work at a
 * time (the others stand by and take over the next batch when it dies), which keeps the
 * order per aggregate. Woken by LISTEN/NOTIFY on outboxChannel(schema), polling as fallback.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { pool, schema } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const onError = options.onError ?? (() => {});
  const context: BatchContext = {
    schema,
    redis: options.redis,
    batchSize,
    transactionIdleTimeoutMs: options.transactionIdleTimeoutMs ?? 30_000,
    ...(options.beforeCommit ? { beforeCommit: options.beforeCommit } : {}),
  };
  const metrics = relayMetrics(options.metrics, schema, () => outboxBacklog(pool, schema));
  const wake = createWakeSignal();
  const stopping = new AbortController();
  let listener: NotificationListener | undefined;
  let running: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  // Rows are waiting when the batch was full or commits woke the relay since its claim; then the
  // next claim rides with this batch's COMMIT (relayBatch). Never once stopping.
  const chain = (count: number) => !stopping.signal.aborted && (count === batchSize || wake.take());

  /** Batches on one connection while chained; the last one's outcome. */
  async function runBatches(): Promise<BatchOutcome> {
    const client = await pool.connect();
    // A session ended while idle in the transaction is an 'error' event (fatal without a
    // listener); the batch's next query fails instead.
    client.on('error', ignore);
    try {
      let step: BatchStep | undefined;
      do {
        const started = performance.now();
        step = await relayBatch(client, context, step?.next, chain);
        const { outcome } = step;
        if (outcome.kind === 'published' && outcome.count > 0) {
          metrics.published(outcome.count);
          metrics.batchSeconds((performance.now() - started) / 1000);
        }
        options.onBatch?.(outcome);
      } while (step.next);
      client.off('error', ignore);
      client.release();
      return step.outcome;
    } catch (error) {
      // The connection's state is unknown (mid-transaction, broken): discard it; PostgreSQL rolls back.
      client.off('error', ignore);
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  }

  async function loop(): Promise<void> {
    let failures = 0;
    while (!stopping.signal.aborted) {
      wake.clear();
      try {
        const outcome = await runBatches();
        failures = 0;
        if (outcome.kind === 'published' && outcome.count === batchSize) continue;
        // Standing by: the active relay handles notified rows; polling is enough to notice its death.
        if (outcome.kind === 'busy') {
          await sleep(pollIntervalMs, stopping.signal);
          continue;
        }
      } catch (error) {
        onError(error);
        failures += 1;
        await sleep(reconnectDelay(failures, 5_000), stopping.signal);
        continue;
      }
      await wake.wait(pollIntervalMs);
    }
  }

  return {
    async start() {
      if (running) throw new Error('outbox relay already started');
      running = Promise.resolve(); // guards against a second start while LISTEN connects
      listener = await listenForNotifications({
        pool,
        channel: outboxChannel(schema),
        onNotify: () => {
          wake.wake();
          options.onNotify?.();
        },
        onError,
        ignorePayload: options.ignoreNotificationsFrom,
      });
      if (stopping.signal.aborted) return listener.close(); // stop() came while LISTEN connected
      wake.wake(); // first pass at once: rows committed before we listened
      running = loop();
    },

    wake: () => wake.wake(),

    stop() {
      stopped ??= (async () => {
        stopping.abort();
        wake.wake();
        await running;
        listener?.close();
        metrics.close();
      })();
      return stopped;
    },
  };
}

const ignore = () => {};

/** Waits `ms`, or less when `abort` fires (then resolves, not rejects). */
const sleep = (ms: number, abort: AbortSignal): Promise<void> =>
  delay(ms, undefined, { signal: abort }).catch(() => undefined);
