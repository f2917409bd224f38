// Publish throughput over HTTP and webhook fan-out to 10 subscribers, with end-to-end latency.
//   node tools/build.mjs event-bus && npx tsx tools/bench/event-bus.ts
// Starts the built event-bus (apps/event-bus/dist/main.js) as a real process on a migrated bench
// database, a JWKS for its tokens, and one local HTTP receiver with 10 webhook paths; subscribes
// the 10 (lead.created), then autocannon POSTs lead.created events for BENCH_SECONDS. Every event
// goes to Redis, the archive and 10 signed webhook deliveries.
// Latency = receipt at the webhook minus the event's occurredAt (stamped by the bus on publish;
// same machine, same clock), per delivery. Fan-out throughput = deliveries / (last receipt - first publish).
// env: BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench), REDIS_URL,
//      BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 10), BENCH_SUBSCRIBERS (default 10)
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';
import { eventCatalogue } from '@bizosaas/event-schemas';
import pg from 'pg';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 10);
const port = 18_809;
const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

// The receiver: 200 at once, keeps (receipt - occurredAt) per delivery.
const latencies: number[] = [];
let lastReceipt = 0;
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const at = Date.now();
    latencies.push(at - Date.parse((JSON.parse(body) as { occurredAt: string }).occurredAt));
    lastReceipt = at;
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
// The bench database only: earlier runs' subscriptions point at receivers that are gone.
const owner = new pg.Client({ connectionString: ownerUrl });
await owner.connect();
await owner.query(
  'TRUNCATE event_bus.subscriptions, event_bus.deliveries, event_bus.delivery_attempts, event_bus.archived_events',
);
await owner.end();
const key = await generateSigningKey('EdDSA');
const jwks = await startJwksServer(jwksOf(key));
const tenantId = randomUUID();
const authorization = `Bearer ${await signTestToken(key, { ...testClaims({ tenant_id: tenantId, roles: ['admin'] }), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const namespace = `bench:${randomUUID().slice(0, 8)}:events`;
const child = spawn(process.execPath, ['apps/event-bus/dist/main.js'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWKS_URL: jwks.url,
    REDIS_URL: redisUrl,
    DATABASE_URL: roleUrl(APP_ROLE, DEV_APP_PASSWORD),
    WORKER_DATABASE_URL: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD),
    EVENTBUS_STREAM_NAMESPACE: namespace,
    EVENTBUS_PUBLISH_BURST: '100000000',
    EVENTBUS_PUBLISH_RATE_PER_SECOND: '100000000',
    EVENTBUS_DELIVERY_POLL_MS: '200',
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    // BENCH-ONLY master key: sensitive fields are sealed on publish and opened for each delivery, as in production.
    EVENTBUS_MASTER_KEYS: JSON.stringify({ bench: 'W1Bn8rQmZ3d0xJ0nq2f5c8wL6tY9uA4eR7iO1pS3kDg=' }),
  },
});
const base = `http://127.0.0.1:${port}`;
try {
  for (
    let deadline = Date.now() + 20_000;
    !(await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    ));
  ) {
    if (Date.now() > deadline) throw new Error('event-bus not ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (let i = 0; i < subscribers; i += 1) {
    const res = await fetch(`${base}/api/v1/events/subscribe`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventType: 'lead.created',
        serviceName: `bench-${i}`,
        webhookUrl: `${receiverUrl}/hooks/${i}`,
      }),
    });
    if (res.status !== 201) throw new Error(`subscribe answered ${res.status}`);
  }
  const body = JSON.stringify({ type: 'lead.created', data: eventCatalogue['lead.created'].example });
  const started = Date.now();
  const result = await autocannon({
    url: `${base}/api/v1/events/publish`,
    method: 'POST',
    connections,
    duration: seconds,
    body,
    headers: { authorization, 'content-type': 'application/json' },
  });
  const published = result.requests.total - result.non2xx - result.errors;
  const expected = published * subscribers;
  for (let deadline = Date.now() + 120_000; latencies.length < expected && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  console.log(
    `event-bus bench: ${connections} connections for ${seconds} s, ${subscribers} subscribers, synchronous_commit on`,
  );
  console.log(
    `publish over HTTP  ${result.requests.average.toFixed(0)} req/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ${published} accepted, non-2xx ${result.non2xx}, errors ${result.errors}`,
  );
  console.log(
    `webhook fan-out    ${latencies.length} of ${expected} deliveries, ${(latencies.length / ((lastReceipt - started) / 1000)).toFixed(0)} deliveries/s`,
  );
  console.log(`publish -> webhook p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${sorted.at(-1)} ms`);
} finally {
  child.kill('SIGTERM');
  await jwks.close();
  receiver.close();
}
