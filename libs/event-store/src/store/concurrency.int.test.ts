import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStore } from './create-event-store.ts';
import { leadEvent, leadEvents, newAggregateId, newTenant, scratchSchema, type Scratch } from './test-support.ts';
import { inTenantTransaction } from './transaction.ts';

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
async function attempt(aggregateId: string, beforeAppend: () => Promise<void> = async () => {}, pids = new Set<number>()) {
  return inTenantTransaction(db.app, tenantId, async (client) => {
    const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    pids.add(pid);
    const version = await store.streamVersion(client, { aggregateType: 'lead', aggregateId });
    const event = leadEvent(tenantId, aggregateId, version + 1);
    await beforeAppend();
    await store.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: version, events: [event] });
    return { pid, id: event.id };
  });
}

describe('concurrent writers on one stream', () => {
  it(`${WRITERS} writers on ${WRITERS} connections: one winner per version, versions 1..N without gaps`, async () => {
    const aggregateId = newAggregateId();
    const allRead = barrier(WRITERS);
    const connections = new Set<number>();

    // Round one: every writer reads version 0 before any appends, so all race for version 1.
    const first = await Promise.allSettled(Array.from({ length: WRITERS }, () => attempt(aggregateId, allRead, connections)));
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
        for (let wins = 0; wins < LATER_WINS_PER_WRITER; ) {
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
    const stream = await inTenantTransaction(db.app, tenantId, (client) =>
      store.readStream(client, { aggregateType: 'lead', aggregateId }),
    );
    expect(stream.map((event) => event.aggregateVersion)).toEqual(Array.from({ length: total }, (_, index) => index + 1));
    expect(new Set(stream.map((event) => event.id))).toEqual(new Set(committed));
    expect(committed).toHaveLength(total);
    console.info(`${total} versions by ${WRITERS} writers; ${WRITERS - 1 + conflicts} conflicts retried`);
  });

  it('a losing batch leaves no rows, even the ones past the winner, and cannot be committed', async () => {
    const aggregateId = newAggregateId();
    const waiting = db.owner; // sees every session in pg_stat_activity
    let releaseWinner!: () => void;
    const winnerHolds = new Promise<void>((resolve) => (releaseWinner = resolve));
    let winnerAppended!: () => void;
    const appended = new Promise<void>((resolve) => (winnerAppended = resolve));
    const winnerEvent = leadEvent(tenantId, aggregateId, 1);

    const winner = inTenantTransaction(db.app, tenantId, async (client) => {
      await store.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: 0, events: [winnerEvent] });
      winnerAppended();
      await winnerHolds;
    });
    await appended;
    const loserBatch = leadEvents(tenantId, aggregateId, 0, 3);
    let loserError: unknown;
    const loser = inTenantTransaction(db.app, tenantId, async (client) => {
      const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const append = store.append(client, { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: 0, events: loserBatch });
      // The loser passed the guard (the winner is uncommitted) and now waits on version 1's index entry.
      await waitUntil(async () => {
        const { rows } = await waiting.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
        return rows.length === 1;
      });
      releaseWinner();
      // Swallowing the error and "committing" must still persist nothing: the append aborted the transaction.
      loserError = await append.catch((error: unknown) => error);
    });
    await Promise.all([winner, loser]);

    expect(loserError).toMatchObject({ code: 'CONCURRENCY_EXCEPTION', details: { expectedVersion: 0, actualVersion: 1 } });
    const { rows } = await db.owner.query(
      `SELECT (SELECT array_agg(event_id::text) FROM "${db.schema}".events WHERE stream_id = $1) AS events,
              (SELECT array_agg(event_id::text) FROM "${db.schema}".outbox WHERE event_id = ANY($2::uuid[])) AS outbox`,
      [`lead-${aggregateId}`, [winnerEvent, ...loserBatch].map((event) => event.id)],
    );
    expect(rows[0]).toEqual({ events: [winnerEvent.id], outbox: [winnerEvent.id] });
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
