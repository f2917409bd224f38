import type pg from 'pg';
import { outboxChannel } from '../schema/event-store-ddl.ts';

/** Wakes the outbox relays of one schema after outbox rows committed. */
export interface OutboxNotifier {
  /** Fire and forget: coalesced, never throws; a lost wake-up costs one poll interval. */
  notify(): void;
  /** Resolves when no NOTIFY is in flight (shutdown, tests). */
  idle(): Promise<void>;
}

export interface OutboxNotifierOptions {
  pool: pg.Pool;
  schema: string;
  onError?: (error: unknown) => void;
}

/**
 * Sends `NOTIFY <schema>_outbox` after commits, not inside them: a transaction that notifies
 * holds PostgreSQL's cluster-wide notify lock through its commit, which serialises every
 * writer's commit (and WAL flush) behind it — it halved outbox append throughput. Here at most
 * one NOTIFY is in flight per process; wake-ups that arrive meanwhile fold into the next one,
 * so a burst of appends costs one or two notifications. Relays listen on every replica
 * (listenForNotifications) and poll as the fallback, so a NOTIFY lost to a crash between the
 * commit and this call delays rows by one poll interval, never loses them.
 */
export function createOutboxNotifier({ pool, schema, onError = () => {} }: OutboxNotifierOptions): OutboxNotifier {
  const channel = outboxChannel(schema);
  let inFlight: Promise<void> | undefined;
  let again = false;

  const send = async (): Promise<void> => {
    do {
      again = false;
      await pool.query('SELECT pg_notify($1, $2)', [channel, '']).catch(onError);
    } while (again);
    inFlight = undefined;
  };

  return {
    notify() {
      if (inFlight) again = true;
      else inFlight = send();
    },
    idle: () => inFlight ?? Promise.resolve(),
  };
}
