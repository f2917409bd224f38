// Rebuild of a projection from the event store: seeds N events into a scratch schema, then
// times rebuildProjection (fresh tables, replay, swap) of the sample lead-list projection.
//   npx tsx tools/bench/projection-rebuild.ts
// env: BENCH_DATABASE_URL   owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      BENCH_EVENTS         events to seed (default 1,000,000)
//      BENCH_STREAM_LENGTH  events per lead stream: created, qualified..., converted (default 10)
//      BENCH_TENANTS        tenants the leads spread over (default 100)
//      BENCH_PAGE           log rows per rebuild page and transaction (default 10,000)
// The events are valid envelopes (every one is parsed and validated on the way, as in
// production); each stream gets its own transaction id so pages cross many transactions.
import { randomUUID } from 'node:crypto';
import { ensureAppRole, ensureDatabase, WORKER_ROLE, DEV_WORKER_PASSWORD } from '@bizosaas/db/migrations';
import pg from 'pg';
import { eventStoreDdl, rebuildProjection } from '@bizosaas/event-store';
import { leadListProjection } from '@bizosaas/event-store/testing';

const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const total = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const streamLength = Math.max(2, Number(process.env.BENCH_STREAM_LENGTH ?? 10));
const tenants = Number(process.env.BENCH_TENANTS ?? 100);
const page = Number(process.env.BENCH_PAGE ?? 10_000);
const schema = `bench_rebuild_${randomUUID().slice(0, 8)}`;
const s = `"${schema}"`;
const SEED_CHUNK = 200_000;

const hex = (expr: string) => `lpad(to_hex(${expr}), 12, '0')`;
// Row i (1-based) is event v of lead k: v = (i-1) % L + 1, k = (i-1) / L.
const seedSql = `INSERT INTO ${s}.events
  (transaction_id, event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version, data, metadata, occurred_at)
SELECT (k + 1)::text::xid8,
       ('0194500c-a000-7000-8000-' || ${hex('i')})::uuid,
       ('00000000-0000-4000-8000-' || ${hex(`k % ${tenants}`)})::uuid,
       'lead-' || ('01945000-0000-7000-8000-' || ${hex('k')}),
       'lead',
       ('01945000-0000-7000-8000-' || ${hex('k')})::uuid,
       v,
       CASE WHEN v = 1 THEN 'lead.created' WHEN v = ${streamLength} THEN 'lead.converted' ELSE 'lead.qualified' END,
       1,
       CASE WHEN v = 1 THEN jsonb_build_object('contact', jsonb_build_object('email', 'lead' || k || '@example.com',
              'firstName', 'Jane', 'lastName', null, 'phone', null, 'company', 'Example Corp', 'jobTitle', null),
              'source', 'api', 'utmParameters', '{}'::jsonb, 'campaignId', null)
            WHEN v = ${streamLength} THEN jsonb_build_object('customerId', ('01945000-1111-7000-8000-' || ${hex('k')}),
              'conversionValue', '5000.00', 'currency', 'USD')
            ELSE jsonb_build_object('score', jsonb_build_object('totalScore', (v * 7) % 101, 'behavioralScore', null,
              'demographicScore', null, 'firmographicScore', null), 'method', 'manual', 'analysisId', null, 'notes', null) END,
       jsonb_build_object('correlationId', 'bench-' || k, 'causationId', null, 'actor', '{"type":"system","id":"bench"}'::jsonb),
       timestamptz '2025-01-10 12:00:00Z' + make_interval(secs => i)
FROM generate_series($1::bigint, $2::bigint) AS i,
     LATERAL (SELECT (i - 1) / ${streamLength} AS k, ((i - 1) % ${streamLength} + 1)::int AS v) AS p`;

async function seed(owner: pg.Pool): Promise<number> {
  const started = performance.now();
  for (let from = 1; from <= total; from += SEED_CHUNK) {
    await owner.query(seedSql, [from, Math.min(total, from + SEED_CHUNK - 1)]);
  }
  await owner.query(`VACUUM ANALYZE ${s}.events`);
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  await ensureDatabase(ownerUrl);
  await ensureAppRole(ownerUrl);
  const workerUrl = new URL(ownerUrl);
  workerUrl.username = WORKER_ROLE;
  workerUrl.password = DEV_WORKER_PASSWORD;
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 1 });
  const worker = new pg.Pool({ connectionString: workerUrl.toString(), max: 4 });
  try {
    await owner.query(eventStoreDdl(schema));
    console.log(
      `seeding ${total.toLocaleString('en-US')} events (streams of ${streamLength}, ${tenants} tenants) into ${schema}...`,
    );
    console.log(`seeded in ${(await seed(owner)).toFixed(1)} s`);

    const result = await rebuildProjection({ pool: worker, schema, projection: leadListProjection, batchSize: page });
    const { rows } = await worker.query<{ leads: number; counted: number }>(
      `SELECT (SELECT count(*)::int FROM ${s}.lead_list) AS leads, (SELECT sum(leads)::int FROM ${s}.lead_counts) AS counted`,
    );
    const expected = Math.ceil(total / streamLength);
    if (result.applied !== total || rows[0]?.leads !== expected || rows[0]?.counted !== expected) {
      throw new Error(`rebuild incomplete: ${JSON.stringify({ ...result, ...rows[0], expected })}`);
    }
    console.log(
      `rebuild: ${result.applied.toLocaleString('en-US')} events in ${result.seconds.toFixed(2)} s = ` +
        `${Math.round(result.applied / result.seconds).toLocaleString('en-US')} events/s (page ${page}, ${expected.toLocaleString('en-US')} leads)`,
    );
  } finally {
    await worker.end();
    await owner.query(`DROP SCHEMA ${s} CASCADE`).catch(() => undefined);
    await owner.end();
  }
}

await main();
