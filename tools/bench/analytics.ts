// The analytics targets of DESIGN.md, measured on real processes:
//   node tools/build.mjs domain-repository analytics && npx tsx tools/bench/analytics.ts
// domain-repository and analytics run from their bundles on the migrated bench database (analytics
// reads the default stream namespace through an ingest group of its own, created at new entries).
// 1. freshness: leads created through domain-repository's HTTP API at BENCH_RATE (500/s) for
//    BENCH_SECONDS, open loop; meanwhile GET /kpis of the tenant is read back to back. A command is
//    visible when a read that started after it was acknowledged counts as many leads as had been
//    acknowledged up to it (acknowledgements and counts both in commit order, closely enough);
//    its latency runs from its acknowledgement to the end of that read.
// 2. funnel: BENCH_SUBJECTS leads of another tenant with 10 events each (1,000,000 by default), put
//    straight into analytics' log by one INSERT ... SELECT (envelopes valid for their schemas), then
//    projected by the running service (its throughput is printed); then BENCH_FUNNEL_QUERIES
//    funnels created -> contacted -> qualified -> converted over all of them, one at a time.
// 3. KPI reads: GET /kpis of that tenant (every event in range) paced at BENCH_KPI_RATE (200/s).
// The seeded tenant's rows are deleted at the end. Targets: freshness p99 < 1 s at 500 commands/s;
// funnel p95 < 500 ms over 1M events / 100k subjects; KPI reads p99 < 50 ms at 200 requests/s.
// env: BENCH_DATABASE_URL, REDIS_URL, BENCH_RATE, BENCH_SECONDS (10) after BENCH_WARMUP_SECONDS (3), BENCH_SUBJECTS (100000),
//      BENCH_FUNNEL_QUERIES (30), BENCH_KPI_RATE (200), BENCH_KPI_SECONDS (15), BENCH_PHASES
//      (comma separated subset of freshness,funnel,kpis; default all), BENCH_KEEP=1 (keep the seeded tenant),
//      BENCH_NODE_ARGS (node arguments of analytics, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { pacedLoad } from './paced-load.ts';
import {
  createFleet,
  freePort,
  ownerUrl,
  percentile,
  prepareBenchDatabase,
  waitReady,
} from './notification-bench-support.ts';
import { deleteTenant, seedFunnelEvents } from './analytics-seed.ts';

const rate = Number(process.env.BENCH_RATE ?? 500);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const subjects = Number(process.env.BENCH_SUBJECTS ?? 100_000);
const funnelQueries = Number(process.env.BENCH_FUNNEL_QUERIES ?? 30);
const kpiRate = Number(process.env.BENCH_KPI_RATE ?? 200);
const kpiSeconds = Number(process.env.BENCH_KPI_SECONDS ?? 15);
const phases = new Set((process.env.BENCH_PHASES ?? 'freshness,funnel,kpis').split(','));
const run = randomUUID().slice(0, 8);
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

const urls = await prepareBenchDatabase();
const key = await generateSigningKey();
const jwks = await startJwksServer(jwksOf(key));
const ports = { domain: await freePort(), analytics: await freePort() };
const fleet = createFleet();
const common = { ...urls, JWKS_URL: jwks.url, LOG_LEVEL: 'warn' };
fleet.start('domain-repository', ports.domain, {
  ...common,
  CONSUMER_NAME: `bench-${run}`,
  CRM_WORK_STREAM: `bench:crm-work:{${run}}`,
});
fleet.start(
  'analytics',
  ports.analytics,
  {
    ...common,
    CONSUMER_NAME: `bench-${run}`,
    INGEST_GROUP: `analytics-bench-${run}`,
    INGEST_START_ID: '$',
    PROJECTION_POLL_INTERVAL_MS: '50',
  },
  process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
);
const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });
const analytics = `http://127.0.0.1:${ports.analytics}`;
const bearer = async (tenantId?: string) => {
  const claims = testClaims({ roles: ['admin'], ...(tenantId && { tenant_id: tenantId }) });
  return { claims, authorization: `Bearer ${await signTestToken(key, claims)}` };
};

async function freshness(): Promise<void> {
  const { authorization } = await bearer();
  const acks: number[] = [];
  const reads: { start: number; end: number; count: number }[] = [];
  let loading = true;
  const reader = (async () => {
    while (loading || reads.at(-1)?.count !== acks.length) {
      const start = performance.now();
      const res = await fetch(`${analytics}/api/v1/analytics/kpis`, { headers: { authorization } });
      const body = (await res.json()) as { kpis: { leadsCreated: number } };
      reads.push({ start, end: performance.now(), count: body.kpis.leadsCreated });
      if (!loading && performance.now() - start > 30_000) break;
    }
  })();
  // The first BENCH_WARMUP_SECONDS of commands (same pace) warm both services up and are not counted.
  const warm = rate * warmupSeconds;
  const total = warm + rate * seconds;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(
      fetch(`http://127.0.0.1:${ports.domain}/api/v1/leads`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ contact: { email: `lead.${i}.${run}@example.test` }, source: 'website_form' }),
      }).then(async (res) => {
        if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
        acks.push(performance.now());
      }),
    );
  }
  await Promise.all(sends);
  loading = false;
  await reader;
  acks.sort((a, b) => a - b);
  const latencies = acks.map((ack, rank) => {
    const seen = reads.find((r) => r.start >= ack && r.count >= rank + 1) ?? reads.find((r) => r.count >= rank + 1);
    return (seen?.end ?? Number.NaN) - ack;
  });
  const sorted = latencies
    .slice(warm)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  console.log(
    `freshness: ${total - warm} leads at ${rate}/s after ${warm} unmeasured, ` +
      `${reads.length} KPI reads; command -> KPI visible p50 ${fmt(percentile(sorted, 0.5))} p99 ${fmt(percentile(sorted, 0.99))} max ${fmt(sorted.at(-1) ?? 0)}; last count ${reads.at(-1)?.count}/${total}`,
  );
}

async function funnelAndKpis(tenantId: string, authorization: string): Promise<void> {
  const seeded = await seedFunnelEvents(owner, tenantId, subjects);
  console.log(
    `funnel: ${seeded.events} events of ${subjects} subjects written to the log in ${seeded.seconds.toFixed(1)} s`,
  );
  const projecting = performance.now();
  // Projected when every seeded event is counted (the log is not in subject order).
  for (let last = -1, stalledSince = performance.now(); ;) {
    const res = await fetch(`${analytics}/api/v1/analytics/query`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ metrics: ['events'], dateRange: { from: '2020-01-01' } }),
    });
    const body = (await res.json()) as { results: { metrics: { events: number } }[] };
    if (res.status !== 200) throw new Error(`query answered ${res.status}: ${JSON.stringify(body)}`);
    const counted = body.results[0]?.metrics.events ?? 0;
    if (counted >= seeded.events) break;
    if (counted !== last) [last, stalledSince] = [counted, performance.now()];
    if (performance.now() - stalledSince > 60_000) throw new Error(`the projection stopped at ${last} events`);
    await sleep(500);
  }
  const projectedIn = (performance.now() - projecting) / 1000;
  console.log(`funnel: projected in ${projectedIn.toFixed(1)} s (${Math.round(seeded.events / projectedIn)} events/s)`);
  if (phases.has('funnel')) {
    const times: number[] = [];
    const body = JSON.stringify({
      steps: ['lead.created', 'lead.contacted', 'lead.qualified', 'lead.converted'].map((eventType) => ({ eventType })),
      dateRange: { from: '2020-01-01' },
    });
    let counts = '';
    for (let i = 0; i < funnelQueries; i += 1) {
      const start = performance.now();
      const res = await fetch(`${analytics}/api/v1/analytics/funnels/query`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.json()) as { steps?: { count: number }[] };
      times.push(performance.now() - start);
      if (res.status !== 200) throw new Error(`funnel answered ${res.status}: ${JSON.stringify(answer)}`);
      counts = (answer.steps ?? []).map((s) => s.count).join(' / ');
    }
    const sorted = times.sort((a, b) => a - b);
    console.log(
      `funnel: ${funnelQueries} queries over ${seeded.events} events (${counts}): p50 ${fmt(percentile(sorted, 0.5))} p95 ${fmt(percentile(sorted, 0.95))} max ${fmt(sorted.at(-1) ?? 0)}`,
    );
  }
  if (phases.has('kpis')) {
    const [result] = await pacedLoad({
      urls: [`${analytics}/api/v1/analytics/kpis`],
      headers: { authorization },
      connections: 20,
      rate: kpiRate,
      seconds: kpiSeconds,
      warmupSeconds: 3,
    });
    console.log(
      `kpis: ${kpiRate}/s for ${kpiSeconds} s over ${seeded.events} events: sent ${result?.sent}, failed ${result?.failed}, p50 ${fmt(result?.p50 ?? 0)} p99 ${fmt(result?.p99 ?? 0)} max ${fmt(result?.max ?? 0)}`,
    );
  }
}

try {
  await Promise.all([waitReady(ports.domain), waitReady(ports.analytics)]);
  if (phases.has('freshness')) await freshness();
  if (phases.has('funnel') || phases.has('kpis')) {
    const { claims, authorization } = await bearer();
    try {
      await funnelAndKpis(claims.tenant_id, authorization);
    } finally {
      if (process.env.BENCH_KEEP === '1') console.log(`kept tenant ${claims.tenant_id}`);
      else await deleteTenant(owner, claims.tenant_id);
    }
  }
} finally {
  await fleet.stop();
  await jwks.close();
  await owner.end();
}
