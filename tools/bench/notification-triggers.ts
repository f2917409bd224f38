// Trigger throughput and latency, through the gateway and straight at the service, side by side.
//   node tools/build.mjs api-gateway user-management notification && npx tsx tools/bench/notification-triggers.ts
// Starts, as real processes from their bundles: user-management, notification (a dispatcher
// sending every triggered email to a local SMTP sink in this process: see BENCH_DISPATCH for
// which replica and when) and the gateway (JWT check,
// per-address and per-tenant limits in Redis, forwarding), on the migrated bench database. A tenant
// registers through the gateway (its real token) and saves an email template; then autocannon
// POSTs /api/v1/notifications/triggers, each request with a transactionId of its own, first
// straight at the service, then through the gateway (BENCH_SECONDS each after 2 s of warm-up): the
// most each sustains. Then the target itself, open loop: BENCH_RATE triggers/s evenly paced through
// the gateway (latency from each request's due time, tools/bench/paced-load.ts).
// Target: >= 600 triggers/s through the gateway with p99 < 50 ms.
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_SECONDS       measured seconds per run (default 10)
//      BENCH_CONNECTIONS   (default 50)
//      BENCH_RATE          the paced run's triggers/s through the gateway (default 600)
//      BENCH_LOG_LEVEL     LOG_LEVEL of the services (default warn)
//      BENCH_MODE          `paced` runs the paced run only
//      BENCH_DISPATCH      together (default) | split | after: where the emails are sent from (below)
//      BENCH_NODE_ARGS     extra node arguments for notification, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
//      The notification service's own settings (DATABASE_POOL_MAX, DISPATCH_CONCURRENCY, SMTP_POOL_SIZE, ...)
//      pass through from the environment.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { pacedLoad } from './paced-load.ts';
import {
  createFleet,
  freePort,
  ownerUrl,
  prepareBenchDatabase,
  startSmtpSink,
  waitReady,
} from './notification-bench-support.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rate = Number(process.env.BENCH_RATE ?? 600);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
// Where the emails are sent from (BENCH_DISPATCH):
//   together (default): the replica behind the gateway also sends every email, on the same cores;
//   split: it only takes requests (DISPATCH_ENABLED=false) and a second replica sends meanwhile;
//   after: as split, the sending replica started once the paced run is over (as when it runs on
//          other nodes): the bench waits for every email and prints how fast they went out.
const dispatch = process.env.BENCH_DISPATCH ?? 'together';
if (!['together', 'split', 'after'].includes(dispatch))
  throw new Error(`BENCH_DISPATCH ${dispatch}: together|split|after`);
const ports = {
  users: await freePort(),
  notification: await freePort(),
  gateway: await freePort(),
  ...(dispatch !== 'together' && { dispatcher: await freePort() }),
};
const run = randomUUID().slice(0, 8);
// BENCH-ONLY key-encryption key of user-management's signing keys (the tests' key).
const BENCH_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const unlimited = '1000000000';

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
}

let sent = 0;

/** Closed loop: each connection sends as fast as answers come back. */
async function measure(base: string, authorization: string, duration: number): Promise<Figures> {
  const result = await autocannon({
    url: `${base}/api/v1/notifications/triggers`,
    method: 'POST',
    connections,
    duration,
    headers: { authorization, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            templateKey: 'bench-order',
            transactionId: `bench-${run}-${(sent += 1)}`,
            to: { email: `bench.${run}@example.test` },
            data: { order: 'A-1001', name: 'Ann' },
          }),
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
    total: result.requests.total,
  };
}

async function post(url: string, body: object, authorization?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { accessToken?: string };
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(answer)}`);
  return answer;
}

const databases = await prepareBenchDatabase();
const sink = await startSmtpSink();
const fleet = createFleet();
const jwksUrl = `http://127.0.0.1:${ports.users}/.well-known/jwks.json`;
const closed = 'http://127.0.0.1:9';
try {
  fleet.start('user-management', ports.users, {
    ...databases,
    LOG_LEVEL: logLevel,
    SIGNING_KEY_ENCRYPTION_KEY: BENCH_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `bench:notification:${run}:login`,
  });
  const notificationEnv = {
    ...databases,
    LOG_LEVEL: logLevel,
    JWKS_URL: jwksUrl,
    SMTP_URLS: `sink=${sink.url}`,
    EVENT_STREAM_NAMESPACE: `bench:notification:${run}:events`,
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.gateway}`,
  };
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean);
  fleet.start(
    'notification',
    ports.notification,
    { ...notificationEnv, CONSUMER_NAME: `bench-${run}`, DISPATCH_ENABLED: String(dispatch === 'together') },
    nodeArgs,
  );
  const startDispatcher = (port: number) =>
    fleet.start('notification', port, {
      ...notificationEnv,
      CONSUMER_NAME: `bench-${run}-dispatcher`,
      DISPATCH_ENABLED: 'true',
    });
  if (dispatch === 'split') startDispatcher(ports.dispatcher!);
  fleet.start('api-gateway', ports.gateway, {
    LOG_LEVEL: logLevel,
    JWKS_URL: jwksUrl,
    USER_MANAGEMENT_URL: `http://127.0.0.1:${ports.users}`,
    NOTIFICATION_URL: `http://127.0.0.1:${ports.notification}`,
    ...Object.fromEntries(
      ['AI_AGENTS', 'CAMPAIGN', 'ANALYTICS', 'INTEGRATION', 'EVENT_BUS', 'DOMAIN_REPOSITORY'].map((name) => [
        `${name}_URL`,
        closed,
      ]),
    ),
    RATE_LIMIT_PREFIX: `bench:notification:${run}:ratelimit:`,
    RATE_LIMIT_PER_IP: unlimited,
    ...Object.fromEntries(
      ['FREE', 'STARTER', 'PROFESSIONAL', 'ENTERPRISE'].map((plan) => [`RATE_LIMIT_${plan}`, unlimited]),
    ),
  });
  await Promise.all(
    Object.entries(ports)
      .filter(([name]) => dispatch !== 'after' || name !== 'dispatcher')
      .map(([, port]) => waitReady(port)),
  );

  const gateway = `http://127.0.0.1:${ports.gateway}`;
  const direct = `http://127.0.0.1:${ports.notification}`;
  const registered = await post(`${gateway}/api/v1/auth/register`, {
    tenantName: `Bench ${run}`,
    email: `bench.owner.${run}@example.test`,
    password: 'a strong enough password',
  });
  if (!registered.accessToken) throw new Error('register answered no access token');
  const authorization = `Bearer ${registered.accessToken}`;
  await post(
    `${gateway}/api/v1/notifications/templates`,
    {
      key: 'bench-order',
      channel: 'email',
      category: 'orders',
      subject: 'Order {{ order }} shipped',
      body: '<p>Hi {{ name }}, order {{ order }} is on its way.</p>',
    },
    authorization,
  );

  console.log(
    `notification triggers bench: ${connections} connections, ${seconds} s per run after 2 s of warm-up, LOG_LEVEL=${logLevel}`,
  );
  if (process.env.BENCH_MODE !== 'paced') {
    await measure(direct, authorization, 2);
    const d = await measure(direct, authorization, seconds);
    await measure(gateway, authorization, 2);
    const g = await measure(gateway, authorization, seconds);
    const row = (name: string, f: Figures) =>
      `${name.padEnd(8)} ${f.rps.toFixed(0).padStart(6)} triggers/s p50 ${f.p50} ms p99 ${f.p99} ms | non-2xx ${f.non2xx} of ${f.total}`;
    console.log(row('direct', d));
    console.log(row('gateway', g));
    console.log(`gateway/direct ${((g.rps / d.rps) * 100).toFixed(1)}%`);
  }
  const [paced] = await pacedLoad({
    urls: [`${gateway}/api/v1/notifications/triggers`],
    headers: { authorization, 'content-type': 'application/json' },
    method: 'POST',
    body: (i) =>
      JSON.stringify({
        templateKey: 'bench-order',
        transactionId: `bench-${run}-paced-${i}`,
        to: { email: `bench.${run}@example.test` },
        data: { order: 'A-1001', name: 'Ann' },
      }),
    connections,
    rate,
    seconds,
    warmupSeconds: 2,
  });
  const emailsBefore = sink.received();
  console.log(
    `paced    ${rate} triggers/s through the gateway for ${seconds} s, dispatch ${dispatch}: p50 ${paced!.p50} ms p99 ${paced!.p99} ms max ${paced!.max} ms | failed ${paced!.failed} of ${paced!.sent} | ` +
      `target p99 < 50 ms at >= 600/s: ${rate >= 600 && paced!.p99 < 50 && paced!.failed === 0 ? 'met' : 'not met'} | emails at the sink: ${emailsBefore}`,
  );
  if (dispatch === 'after') {
    // Every email still queued, sent by the replica that starts now.
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    const { rows } = await owner.query<{ queued: number }>(
      'SELECT count(*)::int AS queued FROM notification.delivery_queue',
    );
    await owner.end();
    const due = emailsBefore + rows[0]!.queued;
    const started = performance.now();
    startDispatcher(ports.dispatcher!);
    while (sink.received() < due && performance.now() - started < 120_000) await sleep(100);
    const ms = performance.now() - started;
    console.log(
      `after    ${sink.received()} of ${due} emails at the sink ${(ms / 1000).toFixed(1)} s after the sending replica started ` +
        `(${((sink.received() - emailsBefore) / (ms / 1000)).toFixed(0)} emails/s, its start-up included)`,
    );
    if (sink.received() < due) process.exitCode = 1;
  }
} finally {
  await fleet.stop();
  await sink.close();
}
