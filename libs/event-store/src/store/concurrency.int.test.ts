import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvent, leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';
import { withTransaction } from '@bizosaas/db';

const WRITERS = 20;
const LATER_WINS_PER_WRITER = 3;

let db: Scratch;
let store: ReturnType<typeof createEventStore>;
const tenantId = newTenant();

beforeAll(async () => {
  db = await scratchSchema('concurrency', WRITERS);
  store = createEventStore({ schema: db.schema });
});
afterAll(() => db.drop());

function barrier(parties: number) {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    arrived += 1;
    if (arrived === parties) open();
    await opened;
  };
}

/** One attempt: read the version, build the next event, append it at the version read. */
async function attempt(
  aggregateId: string,
  beforeAppend: () => Promise<void> = async () => {},
  pids = new Set<number>(),
) {
  return withTransaction(
    db.app,
    async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      pids.add(pid);
      const version = await store.streamVersion(client, { aggregateType: 'lead', aggregateId });
      const event = leadEvent(tenantId, aggregateId, version + 1);
      await beforeAppend();
      await store.append(client, {
        tenantId,
        aggregateType: 'lead',
        aggregateId,
        expectedVersion: version,
        events: [event],
      });
      return { pid, id: event.id };
    },
    { tenantId },
  );
}

describe('concurrent writers on one stream', () => {
  it(`${WRITERS} writers on ${WRITERS} connections: one winner per version, versions 1..N without gaps`, async () => {
    const aggregateId = newAggregateId();
    const allRead = barrier(WRITERS);
    const connections = new Set<number>();

    // Round one: every writer reads version 0 before any appends, so all race for version 1.
    const first = await Promise.allSettled(
      Array.from({ length: WRITERS }, () => attempt(aggregateId, allRead, connections)),
    );
    const winners = first.filter((outcome) => outcome.status === 'fulfilled').map((outcome) => outcome.value);
    const losers = first.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason);
    expect(connections.size).toBe(WRITERS);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(WRITERS - 1);
    for (const loser of losers) {
      expect(loser).toBeInstanceOf(ConcurrencyError);
      expect(loser).toMatchObject({ code: 'CONCURRENCY_EXCEPTION', details: { expectedVersion: 0, actualVersion: 1 } });
    }

    // Then each writer keeps going, retrying on conflict, until it has won a few more versions.
    let conflicts = 0;
    const committed = [winners[0]!.id];
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        for (let wins = 0; wins < LATER_WINS_PER_WRITER;) {
          try {
            committed.push((await attempt(aggregateId)).id);
            wins += 1;
          } catch (error) {
            if (!(error instanceof ConcurrencyError)) throw error;
            conflicts += 1;
          }
        }
      }),
    );

    const total = 1 + WRITERS * LATER_WINS_PER_WRITER;
    const stream = await withTransaction(
      db.app,
      (client) => store.readStream(client, { aggregateType: 'lead', aggregateId }),
      { tenantId },
    );
    expect(stream.map((event) => event.aggregateVersion)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    expect(new Set(stream.map((event) => event.id))).toEqual(new Set(committed));
    expect(committed).toHaveLength(total);
    console.info(`${total} versions by ${WRITERS} writers; ${WRITERS - 1 + conflicts} conflicts retried`);
  });

  // The loser passes the guard while the winner is uncommitted, then waits on the index entry of
  // the version they both write. A new stream clashes in ON CONFLICT, an existing one in a plain
  // insert's unique violation (append-sql.ts): both must fail the loser whole.
  for (const existing of [0, 2]) {
    it(`a losing batch leaves no rows, even the ones past the winner, and cannot be committed (stream at ${existing})`, async () => {
      const { aggregateId, winnerEvents, loserBatch } = await seededRace(existing);
      let loserError: unknown;
      let loserCommit: string | null = null;
      await race(aggregateId, existing, winnerEvents, async (client) => {
        await client.query(`BEGIN; SELECT set_config('app.current_tenant_id', '${tenantId}', true)`);
        loserError = await store
          .append(client, {
            tenantId,
            aggregateType: 'lead',
            aggregateId,
            expectedVersion: existing,
            events: loserBatch,
          })
          .catch((error: unknown) => error);
        // Swallowing the error and committing must still persist nothing: the append aborted the transaction.
        loserCommit = (await client.query('COMMIT')).command;
      });

      // append_conflict reads where the winner got to; a plain insert's clash inside a transaction
      // can tell only the winner's first version (see append.ts).
      const actualVersion = existing === 0 ? winnerEvents.length : existing + 1;
      expect(loserError).toMatchObject({
        code: 'CONCURRENCY_EXCEPTION',
        details: { expectedVersion: existing, actualVersion },
      });
      expect(loserCommit).toBe('ROLLBACK');
      expect(await stored(aggregateId, loserBatch)).toEqual({ events: existing + winnerEvents.length, loserRows: 0 });
    });
  }

  it('an autocommitted loser of a race on an existing stream learns the version the winner reached', async () => {
    const { aggregateId, winnerEvents, loserBatch } = await seededRace(2);
    let loserError: unknown;
    await race(aggregateId, 2, winnerEvents, async (client) => {
      loserError = await store
        .appendInOwnTransaction(client, {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion: 2,
          events: loserBatch,
        })
        .catch((error: unknown) => error);
    });
    expect(loserError).toBeInstanceOf(ConcurrencyError);
    expect(loserError).toMatchObject({ details: { expectedVersion: 2, actualVersion: 2 + winnerEvents.length } });
    expect(await stored(aggregateId, loserBatch)).toEqual({ events: 2 + winnerEvents.length, loserRows: 0 });
  });
});

/** A stream at `existing` (created first when > 0), a winner's two events and a loser's three, both at `existing`. */
async function seededRace(existing: number) {
  const aggregateId = newAggregateId();
  if (existing > 0) {
    const events = leadEvents(tenantId, aggregateId, 0, existing);
    await store.appendInOwnTransaction(db.app, {
      tenantId,
      aggregateType: 'lead',
      aggregateId,
      expectedVersion: 0,
      events,
    });
  }
  return {
    aggregateId,
    winnerEvents: leadEvents(tenantId, aggregateId, existing, 2),
    loserBatch: leadEvents(tenantId, aggregateId, existing, 3),
  };
}

/**
 * The winner appends in a transaction it holds open; the loser starts on a connection of its
 * own, and once PostgreSQL shows that connection waiting on a lock the winner commits.
 */
async function race(
  aggregateId: string,
  existing: number,
  winnerEvents: DomainEvent[],
  loser: (client: PoolClient) => Promise<void>,
) {
  let releaseWinner!: () => void;
  const winnerHolds = new Promise<void>((resolve) => (releaseWinner = resolve));
  let winnerAppended!: () => void;
  const appended = new Promise<void>((resolve) => (winnerAppended = resolve));
  const winner = withTransaction(
    db.app,
    async (tx) => {
      await store.append(tx, {
        tenantId,
        aggregateType: 'lead',
        aggregateId,
        expectedVersion: existing,
        events: winnerEvents,
      });
      winnerAppended();
      await winnerHolds;
    },
    { tenantId },
  );
  await appended;
  const client = await db.app.connect();
  try {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const losing = loser(client);
    await waitUntil(async () => {
      const { rows } = await db.owner.query(
        `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
        [pid],
      );
      return rows.length === 1;
    });
    releaseWinner();
    await Promise.all([winner, losing]);
  } finally {
    client.release();
  }
}

/** Rows of the stream, and how many of the loser's events reached the events or the outbox. */
async function stored(aggregateId: string, loserBatch: DomainEvent[]) {
  const { rows } = await db.owner.query<{ events: number; loser_rows: number }>(
    `SELECT (SELECT count(*)::int FROM "${db.schema}".events WHERE stream_id = $1) AS events,
            (SELECT count(*)::int FROM "${db.schema}".events WHERE event_id = ANY($2::uuid[]))
          + (SELECT count(*)::int FROM "${db.schema}".outbox WHERE event_id = ANY($2::uuid[])) AS loser_rows`,
    [`lead-${aggregateId}`, loserBatch.map((event) => event.id)],
  );
  return { events: rows[0]!.events, loserRows: rows[0]!.loser_rows };
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
