// Email dispatch throughput: how fast the dispatcher empties a queue of N emails into SMTP.
//   node tools/build.mjs notification && npx tsx tools/bench/notification-emails.ts
// Starts the built notification service (apps/notification/dist/main.js) as a real process on the
// migrated bench database, its tokens checked against a local JWKS, its SMTP_URLS pointing at a
// sink in this process that accepts every message and notes its arrival. One email template is
// saved; then bulk triggers of BENCH_BULK recipients each (POST /api/v1/notifications/triggers/bulk,
// straight at the service, one after another) queue BENCH_EMAILS emails, each to an address of its
// own. The dispatcher starts sending with the first commit, so queueing and sending overlap.
// Figures: emails/s at the sink from the first arrival to the last (target >= 300/s), the whole
// run's rate from the first trigger to the last arrival, and per email the time from its bulk
// trigger's 202 (just after its commit) to its arrival at the sink (p50/p99/max; a queue of N
// sent at R/s makes the late ones wait about N/R).
// With BENCH_HOLD_SECONDS the queue is full before the first email goes: every recipient is a user
// whose quiet hours (set by the user through PUT /api/v1/notifications/preferences, a token each)
// end at one minute boundary at least that many seconds ahead, so all N become due at once and the
// figures are the dispatcher draining a standing queue (latency counted from that boundary).
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_EMAILS        emails queued (default 10000)
//      BENCH_BULK          recipients per bulk trigger (default 1000, the most one accepts)
//      BENCH_TIMEOUT_SECONDS  give up waiting for the sink after this long (default 300)
//      BENCH_HOLD_SECONDS  0 (default): emails go as they are queued; else the queue is held (see above)
//                          until a minute boundary at least this far ahead (120 leaves room for
//                          the preferences and triggers of 10,000 recipients on a busy machine)
//      BENCH_LOG_LEVEL     LOG_LEVEL of the service (default warn)
//      BENCH_NODE_ARGS     extra node arguments for the service, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
//      The service's own settings (DISPATCH_CONCURRENCY, DISPATCH_BATCH_SIZE, SMTP_POOL_SIZE,
//      DATABASE_POOL_MAX, ...) pass through from the environment.
import { randomUUID } from 'node:crypto';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import {
  createFleet,
  freePort,
  percentile,
  prepareBenchDatabase,
  startSmtpSink,
  waitReady,
} from './notification-bench-support.ts';

const total = Number(process.env.BENCH_EMAILS ?? 10_000);
const bulk = Number(process.env.BENCH_BULK ?? 1_000);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_SECONDS ?? 300) * 1000;
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const holdSeconds = Number(process.env.BENCH_HOLD_SECONDS ?? 0);
const run = randomUUID().slice(0, 8);
const addressOf = (i: number) => `r${i}.${run}@bench.example.test`;

async function post(url: string, authorization: string, body: object, method = 'POST'): Promise<void> {
  const res = await fetch(url, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/**
 * Each user (a token of its own) sets quiet hours from the current minute to the minute `dueAt`
 * begins (UTC): what is triggered to them meanwhile is scheduled for `dueAt`.
 */
async function holdUntil(base: string, userIds: readonly string[], dueAt: number): Promise<void> {
  const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);
  const quietHours = { start: hhmm(Date.now()), end: hhmm(dueAt), timezone: 'UTC' };
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const userId = userIds[next++]!;
      const token = await tokenOf({ sub: userId, roles: ['member'] });
      await post(`${base}/preferences`, token, { quietHours }, 'PUT');
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
}

const databases = await prepareBenchDatabase();
const sink = await startSmtpSink();
const key = await generateSigningKey('EdDSA');
const jwks = await startJwksServer(jwksOf(key));
const tenantId = randomUUID();
const tokenOf = async (claims: Parameters<typeof testClaims>[0]) =>
  `Bearer ${await signTestToken(key, { ...testClaims({ tenant_id: tenantId, ...claims }), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const authorization = await tokenOf({ roles: ['admin'] });
const port = await freePort();
const fleet = createFleet();
try {
  fleet.start(
    'notification',
    port,
    {
      ...databases,
      LOG_LEVEL: logLevel,
      JWKS_URL: jwks.url,
      SMTP_URLS: `sink=${sink.url}`,
      EVENT_STREAM_NAMESPACE: `bench:notification:${run}:events`,
      CONSUMER_NAME: `bench-${run}`,
    },
    process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean),
  );
  await waitReady(port);
  const base = `http://127.0.0.1:${port}/api/v1/notifications`;
  await post(`${base}/templates`, authorization, {
    key: 'bench-invoice',
    channel: 'email',
    category: 'billing',
    subject: 'Invoice {{ invoice }} is ready',
    body: '<p>Hello,</p><p>invoice {{ invoice }} over {{ amount }} is ready.</p>',
  });

  const dueAt = holdSeconds > 0 ? Math.ceil((Date.now() + holdSeconds * 1000) / 60_000) * 60_000 : 0;
  const userIds = Array.from({ length: total }, () => randomUUID());
  if (dueAt > 0) await holdUntil(base, userIds, dueAt);
  // When each email's trigger answered 202: its commit happened just before.
  const committedAt = new Map<string, number>();
  const started = Date.now();
  for (let first = 0; first < total; first += bulk) {
    const to = Array.from({ length: Math.min(bulk, total - first) }, (_, i) => ({
      email: addressOf(first + i),
      ...(dueAt > 0 && { userId: userIds[first + i] }),
    }));
    await post(`${base}/triggers/bulk`, authorization, {
      templateKey: 'bench-invoice',
      transactionId: `bench-${run}-${first}`,
      to,
      data: { invoice: `INV-${first}`, amount: '120.00 EUR' },
    });
    const at = Date.now();
    for (const recipient of to) committedAt.set(recipient.email, Math.max(at, dueAt));
  }
  const queuedMs = Date.now() - started;
  if (dueAt > 0 && Date.now() > dueAt) console.warn('the queue filled after the hold ended: raise BENCH_HOLD_SECONDS');

  const ours = () => [...committedAt.keys()].filter((address) => sink.arrivals.has(address)).length;
  for (const deadline = Date.now() + timeoutMs; ours() < total && Date.now() < deadline;)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const arrivals = [...committedAt.keys()].flatMap((address) => {
    const at = sink.arrivals.get(address);
    return at === undefined ? [] : [{ at, latency: at - committedAt.get(address)! }];
  });
  const times = arrivals.map((a) => a.at).sort((x, y) => x - y);
  const latencies = arrivals.map((a) => a.latency).sort((x, y) => x - y);
  const [firstAt, lastAt] = [times[0] ?? 0, times.at(-1) ?? 0];
  console.log(
    `notification emails bench: ${total} emails in bulk triggers of ${bulk}, ${dueAt > 0 ? `held for ${holdSeconds} s+` : 'sent as queued'}, LOG_LEVEL=${logLevel}, ` +
      `DISPATCH_CONCURRENCY=${process.env.DISPATCH_CONCURRENCY ?? 'default'}, SMTP_POOL_SIZE=${process.env.SMTP_POOL_SIZE ?? 'default'}`,
  );
  console.log(
    `queued ${total} in ${(queuedMs / 1000).toFixed(1)} s (${((total / queuedMs) * 1000).toFixed(0)} emails/s committed)`,
  );
  console.log(
    `arrived ${arrivals.length} of ${total} | first to last ${((lastAt - firstAt) / 1000).toFixed(1)} s: ` +
      `${(((arrivals.length - 1) / Math.max(1, lastAt - firstAt)) * 1000).toFixed(0)} emails/s | ` +
      (dueAt > 0
        ? ''
        : `first trigger to last arrival: ${((arrivals.length / Math.max(1, lastAt - started)) * 1000).toFixed(0)} emails/s | `) +
      'target >= 300/s',
  );
  console.log(
    `${dueAt > 0 ? 'due' : 'trigger 202'} -> SMTP arrival: p50 ${percentile(latencies, 0.5)} ms p99 ${percentile(latencies, 0.99)} ms ` +
      `max ${latencies.at(-1) ?? 0} ms`,
  );
} finally {
  await fleet.stop();
  await sink.close();
  await jwks.close();
}
