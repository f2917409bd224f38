// Incremental ingest with change detection (issue 18: >= 5,000 records/s): a contacts sync of
// BENCH_CONTACTS records from a local HubSpot CRM v3 server, run twice by an integration replica.
//   npx tsx tools/bench/integration-ingest.ts
// Processes: the local HubSpot server (apps/integration/src/testing/hubspot-server.ts, 100 contacts
// a page, paged by `after`) and an integration replica with the syncs feature
// (apps/integration/src/syncs/testing/sync-replica.ts), on the migrated bench database; its changed
// records go to a receiver in this process standing in for domain-repository (202 at once, every
// record counted). The connection is stored sealed (seed-connection.ts); the sync is created and
// run through the replica's routes with a token of a local JWKS.
// Figures, per run, from the run's own startedAt/finishedAt: records/s of the first run (every
// record new: hashed, compared, forwarded, stored, published in records_changed) and of the second
// (nothing changed: hashed and compared only, nothing forwarded or published).
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_CONTACTS      records (default 100000)
//      BENCH_MODE          incremental (default) or full
//      BENCH_LOG_LEVEL     LOG_LEVEL of the replica (default warn)
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createInterface } from 'node:readline';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { createRedis } from '@bizosaas/messaging';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';
import { freePort, root, waitReady } from './notification-bench-support.ts';

const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const contacts = Number(process.env.BENCH_CONTACTS ?? 100_000);
const mode = process.env.BENCH_MODE ?? 'incremental';
const roleUrl = (role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

const children: ChildProcess[] = [];
function start(script: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}
const firstLine = async (child: ChildProcess) => {
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return line;
};

/** domain-repository's CRM ingestion as far as the sync sees it: 202, one event per record. */
async function startReceiver() {
  let records = 0;
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { results } = JSON.parse(Buffer.concat(chunks).toString()) as { results: unknown[] };
      records += results.length;
      const body = JSON.stringify({ events: results.map(() => ({ duplicate: false })) });
      res.writeHead(202, { 'content-type': 'application/json' }).end(body);
    });
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received: () => records, close: () => server.close() };
}

async function main() {
  await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
  const hubspot = start('apps/integration/src/testing/hubspot-server.ts', [String(contacts)], {});
  const { baseUrl, accessToken } = JSON.parse(await firstLine(hubspot)) as { baseUrl: string; accessToken: string };
  const receiver = await startReceiver();
  const key = await generateSigningKey();
  const jwks = await startJwksServer(jwksOf(key));
  const namespace = `bench:integration:${randomUUID()}`;
  const service = {
    DATABASE_URL: roleUrl(APP_ROLE, DEV_APP_PASSWORD),
    WORKER_DATABASE_URL: roleUrl(WORKER_ROLE, DEV_WORKER_PASSWORD),
    REDIS_URL: redisUrl,
    INTEGRATION_MASTER_KEYS: JSON.stringify({ bench: Buffer.alloc(32, 'integration-bench-master').toString('base64') }),
  };
  const tenantId = randomUUID();
  const seeded = start('apps/integration/src/syncs/testing/seed-connection.ts', [], {
    ...service,
    SEED_TENANT_ID: tenantId,
    SEED_PROVIDER: 'hubspot',
    SEED_ACCESS_TOKEN: accessToken,
  });
  const connectionId = await firstLine(seeded);
  const port = await freePort();
  start('apps/integration/src/syncs/testing/sync-replica.ts', [], {
    ...service,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    JWKS_URL: jwks.url,
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl } }),
    DOMAIN_REPOSITORY_URL: receiver.url,
    EVENT_STREAM_NAMESPACE: namespace,
    SYNC_REPLICA_CRM_TOKEN: 'bench',
    SYNC_REPLICA_LEASE_MS: '60000',
  });
  await waitReady(port);
  const token = await signTestToken(key, testClaims({ tenant_id: tenantId, roles: ['admin'] }));
  const api = async (method: string, path: string, body?: object) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/integrations/syncs${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const sync = await api('POST', '', { connectionId, model: 'contacts', mode });
  type Run = {
    id: string;
    status: string;
    fetched: number;
    created: number;
    unchanged: number;
    startedAt: string;
    finishedAt: string | null;
    error: string | null;
  };
  const run = async (label: string) => {
    const { runId } = await api('POST', `/${String(sync.id)}/run`);
    for (;;) {
      const { items } = (await api('GET', `/${String(sync.id)}/runs?limit=1`)) as { items: Run[] };
      const done = items.find((r) => r.id === runId && r.status !== 'running');
      if (done) {
        if (done.status !== 'completed') throw new Error(`run failed: ${done.error}`);
        const seconds = (Date.parse(done.finishedAt!) - Date.parse(done.startedAt)) / 1000;
        console.log(
          `${label}: ${done.fetched} records in ${seconds.toFixed(2)} s = ${Math.round(done.fetched / seconds)} records/s ` +
            `(created ${done.created}, unchanged ${done.unchanged})`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  console.log(`contacts sync (${mode}) of ${contacts} records, target >= 5000 records/s`);
  await run('first run (all new)');
  console.log(`forwarded to the receiver: ${receiver.received()} records`);
  await run('second run (all unchanged)');
  console.log(`forwarded to the receiver: ${receiver.received()} records`);
  const redis = createRedis(redisUrl, { connectionName: 'bench:integration-ingest' });
  await redis.del(`${namespace}:{integration_sync}`);
  await redis.quit();
  receiver.close();
  await jwks.close();
}

try {
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
