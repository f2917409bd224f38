// Inbound webhooks: verify + store + publish, at a paced rate, against the built service.
//   node tools/build.mjs integration && npx tsx tools/bench/integration-webhooks.ts
// Starts the integration service as a real process from its bundle on the migrated bench
// database (app and worker roles, INTEGRATION_MASTER_KEYS, its outbox relay and webhook status
// consumer running), creates a Stripe connection of a fresh tenant through its API
// (POST /api/v1/integrations/connections with an admin's token from a local JWKS; the credentials
// carry a webhook signing secret), then POSTs /api/v1/webhooks/stripe/:connectionId open loop
// at BENCH_RATE requests/s for BENCH_SECONDS after 2 s of warm-up (tools/bench/paced-load.ts:
// latency from each request's due time), each a Stripe event of its own id, signed at send time as Stripe signs
// (Stripe-Signature: t, v1 = HMAC-SHA256 of `t.body` under the secret). Afterwards it waits until
// every accepted event is on the service's integration_webhook stream and its row is marked
// processed, and says how long that took after the last answer, and the CPU time per webhook of
// the service process and of its PostgreSQL sessions (from /proc: Linux, PostgreSQL on this host).
// Two latencies per request, both from its due time: answered (stored and committed with its
// outbox row), and on the stream (published: the time in the id Redis gave the relay's XADD,
// read back after the run, so the reading costs nothing during it; whole milliseconds). The relay's
// batches and rows per batch come from the service's /metrics.
// Target: p99 < 20 ms at 500 requests/s, answered and on the stream.
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_RATE          requests/s (default 500)
//      BENCH_SECONDS       measured seconds (default 10)
//      BENCH_CONNECTIONS   kept-alive client connections (default 20)
//      BENCH_LOG_LEVEL     LOG_LEVEL of the service (default warn; info logs every request)
//      BENCH_INTEGRATION_MAIN  the bundle to run (default apps/integration/dist/main.js)
//      BENCH_NODE_ARGS     extra node arguments for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
//      The service's own settings (DATABASE_POOL_MAX, WORKER_DATABASE_POOL_MAX, ...) pass through.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import type pg from 'pg';
import { createPgPool } from '@bizosaas/db';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';
import { createRedis, eventStreamKey } from '@bizosaas/messaging';
import { pacedLoad } from './paced-load.ts';
import { freePort, ownerUrl, redisUrl, root, waitReady } from './notification-bench-support.ts';

const rate = Number(process.env.BENCH_RATE ?? 500);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const warmupSeconds = 2;
const connections = Number(process.env.BENCH_CONNECTIONS ?? 20);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const main = process.env.BENCH_INTEGRATION_MAIN ?? 'apps/integration/dist/main.js';
const run = randomUUID().slice(0, 8);
// BENCH-ONLY master key wrapping the bench tenants' data keys.
const MASTER_KEYS = JSON.stringify({ 'bench-1': Buffer.alloc(32, 'integration-bench-master').toString('base64') });
const WEBHOOK_SECRET = `whsec_bench_${run}`;
const namespace = `bench:integration:${run}:events`;
const stream = eventStreamKey('integration_webhook', namespace);
// USER_HZ of /proc/<pid>/stat: 100 on Linux.
const CLOCK_TICKS = 100;

const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();
const databases = {
  DATABASE_URL: roleUrl(APP_ROLE, DEV_APP_PASSWORD),
  WORKER_DATABASE_URL: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD),
};

/** A Stripe connection of a fresh tenant, created through the service's own API (an admin's token). */
async function stripeConnection(baseUrl: string): Promise<string> {
  const token = await signTestToken(key, testClaims({ roles: ['admin'] }));
  const res = await fetch(`${baseUrl}/api/v1/integrations/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      provider: 'stripe',
      credentials: { apiKey: 'sk_test_bench', webhookSecret: WEBHOOK_SECRET },
    }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id)
    throw new Error(`creating the connection answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

/** CPU time (user + system) a process has used, from /proc (Linux), in ms. */
function cpuMs(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time of the bench database's app and worker sessions (the service's), by backend pid. */
async function sessionsCpuMs(owner: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await owner.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = ANY($1)',
    [[APP_ROLE, WORKER_ROLE]],
  );
  return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
}

/** A Stripe event of about 1.5 KB, as Stripe sends invoice.paid (pretty-printed). */
function stripeEvent(i: number): string {
  const id = `evt_bench_${run}_${i}`;
  const invoice = {
    id: `in_bench_${i}`,
    object: 'invoice',
    amount_due: 4900,
    amount_paid: 4900,
    currency: 'usd',
    customer: 'cus_bench',
    customer_email: 'billing@example.test',
    status: 'paid',
    lines: { object: 'list', data: [{ id: `il_${i}`, amount: 4900, description: '1 x Professional (monthly)' }] },
    period_start: 1796000000,
    period_end: 1798592000,
    metadata: { tenant: 'bench' },
  };
  const body = { id, object: 'event', api_version: '2024-06-20', created: 1796000000, type: 'invoice.paid' };
  return JSON.stringify({ ...body, data: { object: invoice }, livemode: false, pending_webhooks: 1 }, null, 2);
}

/** Relay passes that published rows, and the rows they published, from the service's /metrics. */
async function relayCounts(baseUrl: string): Promise<{ batches: number; rows: number }> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return { batches: sum('outbox_relay_batch_duration_seconds_count'), rows: sum('outbox_published_total') };
}

/** The value below which `share` of the sorted samples lie (nearest rank, as paced-load.ts). */
const percentile = (sorted: readonly number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;

/**
 * From request i's due time (epoch ms) to its event's XADD, by the millisecond of the entry's id
 * (Redis's clock, this host's): each entry is matched to its request by the Stripe event id.
 */
async function onStreamLatencies(dueOf: (i: number) => number, measuredFrom: number): Promise<number[]> {
  const latencies: number[] = [];
  const ours = new RegExp(`evt_bench_${run}_(-?\\d+)`);
  let start = '-';
  for (;;) {
    const entries = await redis.xrange(stream, start, '+', 'COUNT', 1000);
    for (const [id, fields] of entries) {
      const i = Number(ours.exec(fields.join(' '))?.[1] ?? Number.NaN);
      if (i >= measuredFrom) latencies.push(Number(id.slice(0, id.indexOf('-'))) - dueOf(i));
    }
    if (entries.length < 1000) return latencies.sort((a, b) => a - b);
    start = `(${entries.at(-1)![0]}`;
  }
}

const bodies = new Map<number, string>();
const bodyOf = (i: number) => bodies.get(i) ?? (bodies.set(i, stripeEvent(i)), bodies.get(i)!);
function signatureOf(i: number): string {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', WEBHOOK_SECRET)
    .update(`${t}.${bodyOf(i)}`)
    .digest('hex')}`;
}

await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
const key = await generateSigningKey();
const jwks = await startJwksServer(jwksOf(key));
const port = await freePort();
let stopping = false;
let output = '';
const service = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), main], {
  cwd: root,
  env: {
    ...process.env,
    ...databases,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    LOG_LEVEL: logLevel,
    INTEGRATION_MASTER_KEYS: MASTER_KEYS,
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    EVENT_STREAM_NAMESPACE: namespace,
    CONSUMER_NAME: `bench-${run}`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    JWKS_URL: jwks.url,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
service.stdout.on('data', keep);
service.stderr.on('data', keep);
service.on('exit', (code, signal) => {
  if (!stopping) console.error(`integration exited early (${code ?? signal}):\n${output}`);
});
const redis = createRedis(redisUrl, { connectionName: 'bench:integration-webhooks' });
const owner = createPgPool({ databaseUrl: ownerUrl, poolMax: 1, schema: 'integration' });
try {
  await waitReady(port);
  const connectionId = await stripeConnection(`http://127.0.0.1:${port}`);
  const url = `http://127.0.0.1:${port}/api/v1/webhooks/stripe/${connectionId}`;
  // One request first: the bundle must serve webhooks (webhooksFeature in features.ts).
  const probe = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signatureOf(-1) },
    body: bodyOf(-1),
  });
  if (probe.status !== 200)
    throw new Error(`${main} answered ${probe.status} to a signed webhook: ${await probe.text()}`);

  const relayBefore = await relayCounts(`http://127.0.0.1:${port}`);
  const cpuBefore = cpuMs(service.pid);
  const sessionsBefore = await sessionsCpuMs(owner);
  const loadBefore = process.cpuUsage();
  // Request 0 is sent at the paced run's start, due times follow at 1 / rate (paced-load.ts).
  let startedAt = 0;
  const [paced] = await pacedLoad({
    urls: [url],
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: bodyOf,
    headersFor: (i) => {
      if (i === 0) startedAt = performance.timeOrigin + performance.now();
      return { 'stripe-signature': signatureOf(i) };
    },
    connections,
    rate,
    seconds,
    warmupSeconds,
  });
  if (!paced) throw new Error('paced load returned no result');
  const lastAnswer = performance.now();
  const loaded = Math.round(rate * warmupSeconds) + Math.round(rate * seconds);
  const cpuPerWebhook = (cpuMs(service.pid) - cpuBefore) / loaded;
  const loadCpu = process.cpuUsage(loadBefore);
  // Sessions opened during the run count from zero.
  let sessionsCpu = 0;
  for (const [pid, ms] of await sessionsCpuMs(owner)) sessionsCpu += ms - (sessionsBefore.get(pid) ?? 0);
  const expected = 1 + loaded;

  // Every accepted webhook on the stream and marked processed (or a stall reported after 60 s).
  const counts = async () => {
    const { rows } = await owner.query<{ stored: number; processed: number }>(
      `SELECT count(*)::int AS stored, count(*) FILTER (WHERE status = 'processed')::int AS processed
       FROM integration.webhook_events WHERE connection_id = $1`,
      [connectionId],
    );
    return { ...rows[0]!, onStream: await redis.xlen(stream) };
  };
  let state = await counts();
  const deadline = Date.now() + 60_000;
  while ((state.onStream < state.stored || state.processed < state.stored) && Date.now() < deadline) {
    await sleep(50);
    state = await counts();
  }
  const drainedMs = Math.round(performance.now() - lastAnswer);
  const complete = state.stored === expected && state.onStream === expected && state.processed === expected;
  const relayAfter = await relayCounts(`http://127.0.0.1:${port}`);
  const batches = relayAfter.batches - relayBefore.batches;
  const published = await onStreamLatencies((i) => startedAt + (i * 1000) / rate, Math.round(rate * warmupSeconds));
  const round = (ms: number) => Math.round(ms * 100) / 100;
  const streamed = {
    p50: round(percentile(published, 0.5)),
    p99: round(percentile(published, 0.99)),
    max: round(published.at(-1) ?? 0),
  };
  const met = rate >= 500 && paced.p99 < 20 && streamed.p99 < 20 && paced.failed === 0;
  console.log(
    `integration webhooks bench: Stripe-signed events, ${rate} requests/s for ${seconds} s after ${warmupSeconds} s of warm-up, ${connections} connections, LOG_LEVEL=${logLevel}`,
  );
  console.log(
    `answered p50 ${paced.p50} ms p99 ${paced.p99} ms max ${paced.max} ms | ` +
      `on the stream p50 ${streamed.p50} ms p99 ${streamed.p99} ms max ${streamed.max} ms | failed ${paced.failed} of ${paced.sent} | ` +
      `target p99 < 20 ms at 500/s: ${met ? 'met' : 'not met'} | ` +
      `CPU per webhook: service ${cpuPerWebhook.toFixed(2)} ms (relay and status consumer included), ` +
      `its PostgreSQL sessions ${(sessionsCpu / loaded).toFixed(2)} ms, ` +
      `the load generator (this process) ${((loadCpu.user + loadCpu.system) / 1000 / loaded).toFixed(2)} ms`,
  );
  console.log(
    `delivery ${state.stored} of ${expected} stored, ${state.onStream} on the stream, ${state.processed} processed` +
      ` (${complete ? 'all' : 'NOT all'}; ${drainedMs} ms after the last answer) | relay ${batches} batches, ` +
      `${(batches > 0 ? (relayAfter.rows - relayBefore.rows) / batches : 0).toFixed(2)} rows each`,
  );
  if (!complete) process.exitCode = 1;
} finally {
  stopping = true;
  if (service.exitCode === null && service.signalCode === null) {
    service.kill('SIGTERM');
    await once(service, 'exit');
  }
  // The run's stream and its companions (the namespace is this run's own).
  const keys: string[] = [];
  for await (const batch of redis.scanStream({ match: `${namespace}:*`, count: 100 }))
    keys.push(...(batch as string[]));
  if (keys.length > 0) await redis.del(...keys);
  await Promise.allSettled([redis.quit(), owner.end(), jwks.close()]);
}
