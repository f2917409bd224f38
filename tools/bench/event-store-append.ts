// Event store appends per second against raw INSERTs of the same rows: one run, one machine,
// the same connections and batch size for every case, synchronous_commit on (checked).
//   npx tsx tools/bench/event-store-append.ts
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      BENCH_CONNECTIONS   concurrent connections, one writer each (default 8)
//      BENCH_SECONDS       seconds per case and round (default 5)
//      BENCH_ROUNDS        rounds; cases are interleaved per round so drift hits all alike (default 4: with 2,
//                          the two raw cases, which do the same work, differed by up to 18% on a 2-core machine)
//      BENCH_BATCHES       events per append, comma separated (default 1,100)
//
// Cases (the table of the raw cases is a copy of `events`: same columns, defaults, identity,
// unique indexes and RLS policy; only the version guard and the outbox are missing):
//   raw values   one autocommit INSERT ... VALUES ($1..$n) per batch; tenant set once per session
//   raw json     one autocommit INSERT ... SELECT FROM jsonb_array_elements($1) per batch
//   guarded      appendInOwnTransaction({ outbox: false }): one prepared autocommit statement (tenant, guard, events)
//   + outbox     appendInOwnTransaction(): the same with the outbox rows (and whatever trigger the DDL has)
//   guarded tx   store.transaction + append({ outbox: false }): three round trips (BEGIN, append, COMMIT)
//   + outbox tx  store.transaction + append()
// The outbox cases include waking the relays: the store's notifier sends a coalesced NOTIFY after commits.
// Ratios are against the faster raw case.
import { randomUUID } from 'node:crypto';
import { ensureAppRole, ensureDatabase, APP_ROLE, DEV_APP_PASSWORD } from '@bizosaas/db/migrations';
import { createEvent, uuidv7, type EventEnvelope, type PlatformCatalogue } from '@bizosaas/event-schemas';
import pg from 'pg';
import { createEventStore, createOutboxNotifier, eventStoreDdl, type EventStore } from '@bizosaas/event-store';

const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const batches = (process.env.BENCH_BATCHES ?? '1,100').split(',').map(Number);
const CASES = ['raw values', 'raw json', 'guarded', '+ outbox', 'guarded tx', '+ outbox tx'] as const;
type Case = (typeof CASES)[number];

const schema = `bench_append_${randomUUID().slice(0, 8)}`;
const s = `"${schema}"`;
const tenantId = randomUUID();
const template = createEvent({
  type: 'lead.qualified',
  tenantId,
  aggregateId: randomUUID(),
  aggregateVersion: 1,
  actor: { type: 'user', id: randomUUID() },
  data: {
    score: { totalScore: 85, behavioralScore: 90, demographicScore: 70, firmographicScore: null },
    method: 'manual',
    analysisId: null,
    notes: 'Budget confirmed on first call',
  },
});

const COLUMNS =
  'event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at';
const rawJsonSql = `INSERT INTO ${s}.raw_events (${COLUMNS})
SELECT (d->>'id')::uuid, (d->>'tenantId')::uuid, 'lead-' || (d->>'aggregateId'), d->>'aggregateType', (d->>'aggregateId')::uuid,
       (d->>'aggregateVersion')::int, d->>'type', (d->>'schemaVersion')::int, d->'data',
       jsonb_build_object('correlationId', d->'correlationId', 'causationId', d->'causationId', 'actor', d->'actor'),
       (d->>'occurredAt')::timestamptz
FROM jsonb_array_elements($1::jsonb) AS d`;

function rawValuesSql(batch: number): string {
  const rows = Array.from(
    { length: batch },
    (_, row) => `(${Array.from({ length: 11 }, (_, col) => `$${row * 11 + col + 1}`).join(', ')})`,
  );
  return `INSERT INTO ${s}.raw_events (${COLUMNS}) VALUES ${rows.join(', ')}`;
}

function rawValues(events: EventEnvelope[]): unknown[] {
  return events.flatMap((e) => [
    e.id,
    e.tenantId,
    `lead-${e.aggregateId}`,
    e.aggregateType,
    e.aggregateId,
    e.aggregateVersion,
    e.type,
    e.schemaVersion,
    JSON.stringify(e.data),
    JSON.stringify({ correlationId: e.correlationId, causationId: e.causationId, actor: e.actor }),
    e.occurredAt,
  ]);
}

async function setUp(owner: pg.Pool): Promise<void> {
  await owner.query(eventStoreDdl(schema));
  await owner.query(`CREATE TABLE ${s}.raw_events (LIKE ${s}.events INCLUDING ALL);
ALTER TABLE ${s}.raw_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.raw_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ${s}.raw_events TO ${APP_ROLE}
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, INSERT ON ${s}.raw_events TO ${APP_ROLE};`);
}

let store: EventStore<PlatformCatalogue>;

/**
 * One writer: its own stream, appending batches until the deadline; returns events written.
 * Single-statement cases hold one connection for the whole case (so pool checkout costs none of
 * them anything); the transaction cases take one per transaction, as a command handler does.
 */
async function writer(pool: pg.Pool, kind: Case, batch: number, deadline: number): Promise<number> {
  const aggregateId = randomUUID();
  let version = 0;
  const next = () =>
    Array.from({ length: batch }, (_, i): EventEnvelope => ({
      ...template,
      id: uuidv7(),
      aggregateId,
      aggregateVersion: version + i + 1,
    }));
  const outbox = kind.includes('outbox');
  if (kind.endsWith(' tx')) {
    while (Date.now() < deadline) {
      const input = { tenantId, aggregateType: 'lead', aggregateId, expectedVersion: version, events: next(), outbox };
      version = (await store.transaction(pool, tenantId, (tx) => store.append(tx, input))).nextExpectedVersion;
    }
    return version;
  }
  const client = await pool.connect();
  try {
    if (!kind.startsWith('raw')) {
      while (Date.now() < deadline) {
        const input = {
          tenantId,
          aggregateType: 'lead',
          aggregateId,
          expectedVersion: version,
          events: next(),
          outbox,
        };
        version = (await store.appendInOwnTransaction(client, input)).nextExpectedVersion;
      }
      return version;
    }
    await client.query(`SELECT set_config('app.current_tenant_id', $1, false)`, [tenantId]);
    const text = kind === 'raw values' ? rawValuesSql(batch) : rawJsonSql;
    const name = `bench_${kind === 'raw values' ? 'values' : 'json'}_${batch}`;
    while (Date.now() < deadline) {
      const events = next();
      const values = kind === 'raw values' ? rawValues(events) : [JSON.stringify(events)];
      await client.query({ name, text, values });
      version += batch;
    }
    await client.query(`SELECT set_config('app.current_tenant_id', '', false)`);
    return version;
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  await ensureDatabase(ownerUrl);
  await ensureAppRole(ownerUrl);
  const appUrl = new URL(ownerUrl);
  appUrl.username = APP_ROLE;
  appUrl.password = DEV_APP_PASSWORD;
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  // One more than the writers: the outbox notifier's NOTIFY must not queue behind them.
  const app = new pg.Pool({ connectionString: appUrl.toString(), max: connections + 1 });
  try {
    await setUp(owner);
    store = createEventStore({
      schema,
      namespace: `bench:${schema}:events`,
      notifier: createOutboxNotifier({ pool: app, schema }),
    });
    const sync = (await app.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!
      .synchronous_commit;
    if (sync !== 'on') throw new Error(`synchronous_commit is ${sync}; this benchmark needs it on`);
    console.log(
      `event store append: ${connections} connections, ${seconds}s x ${rounds} rounds per case, synchronous_commit ${sync}`,
    );
    const totals = new Map<string, { events: number; ms: number }>();
    for (let round = 0; round < rounds; round += 1) {
      for (const batch of batches) {
        // Alternate the order each round so no case always runs on the warmer (or fuller) tables.
        for (const kind of round % 2 === 0 ? CASES : [...CASES].reverse()) {
          const started = performance.now();
          const deadline = Date.now() + seconds * 1000;
          const counts = await Promise.all(
            Array.from({ length: connections }, () => writer(app, kind, batch, deadline)),
          );
          const key = `${batch}|${kind}`;
          const total = totals.get(key) ?? { events: 0, ms: 0 };
          totals.set(key, {
            events: total.events + counts.reduce((a, b) => a + b, 0),
            ms: total.ms + performance.now() - started,
          });
        }
      }
    }
    report(totals);
  } finally {
    await app.end();
    await owner.query(`DROP SCHEMA ${s} CASCADE`).catch(() => undefined);
    await owner.end();
  }
}

function report(totals: Map<string, { events: number; ms: number }>): void {
  for (const batch of batches) {
    const rate = (kind: Case) => {
      const total = totals.get(`${batch}|${kind}`)!;
      return (total.events / total.ms) * 1000;
    };
    const raw = Math.max(rate('raw values'), rate('raw json'));
    console.log(`\nbatch of ${batch}`);
    for (const kind of CASES) {
      const r = rate(kind);
      const line = `  ${kind.padEnd(16)} ${r.toFixed(0).padStart(9)} events/s ${(r / batch).toFixed(0).padStart(7)} appends/s`;
      console.log(`${line}   ${((r / raw) * 100).toFixed(0).padStart(4)}% of raw`);
    }
  }
}

await main();
