// What the replay tests run against, as real processes: the event-bus (archiving the integration
// stream namespace the tests' replicas publish to) and two domain-repositories, one on the test
// database and one on a database of its own that never received anything, all trusting one test
// signing key served as a JWKS. Service tokens of a tenant are signed with that key.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { migrateDatabase, serviceTarget } from '@bizosaas/db/migrations';
import { deleteNamespace, testRedis, uniqueNamespace } from '@bizosaas/messaging/testing';
import { eventually } from '../test-support.ts';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
// The event-bus tests' master keys (apps/event-bus/src/test-support.ts; never used outside tests):
// data keys this event-bus wraps in the shared test database must open under the keys the
// event-bus's own re-wrap test rotates.
const EVENTBUS_MASTER_KEYS = JSON.stringify({
  'test-1': 'zUqu+KRylrD/lCRSwiOUe2EDur/NH1mELaM5lJIrTiw=',
  'test-2': 'rgAUabXIXlYt94d+Q2lFX9oN7i2+ySNi2iAZVXW2LR8=',
});

/** The same server and role as `url`, another database. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

interface Service {
  url: string;
  child: ChildProcess;
  output: () => string;
}

async function startService(script: string, env: Record<string, string>): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    // Small pools: three processes beside the test's own replicas share the server's connections.
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      DATABASE_POOL_MAX: '3',
      WORKER_DATABASE_POOL_MAX: '3',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: unknown) => (output = (output + String(chunk)).slice(-5_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

async function untilReady(service: Service): Promise<void> {
  await eventually(
    () =>
      fetch(`${service.url}/ready`).then(
        (r) => r.status,
        () => 0,
      ),
    (status) => expect(status, service.output()).toBe(200),
    90_000,
  );
}

async function stop(service: Service): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  await once(service.child, 'exit');
}

/** A domain-repository process and an owner connection to its database (to count what it stored). */
export interface DomainRepository {
  url: string;
  count(sql: string, tenantId: string): Promise<number>;
  rows<T extends pg.QueryResultRow>(sql: string, tenantId: string): Promise<T[]>;
}

export async function startReplayPlatform() {
  const key = await generateSigningKey();
  const jwks = await startJwksServer(jwksOf(key));
  const namespace = uniqueNamespace('integration-replay');
  const crmStreams = [`test:crm-work:{${randomUUID()}}`, `test:crm-work:{${randomUUID()}}`];
  const ownerUrl = inject('ownerDatabaseUrl');
  const database = new URL(ownerUrl).pathname.slice(1);
  const emptyDatabase = `${database}_replay_target`;
  const emptyOwnerUrl = withDatabase(ownerUrl, emptyDatabase);
  await migrateDatabase({ url: emptyOwnerUrl, targets: [serviceTarget('domain-repository')] });
  const databasesOf = (name: string) => ({
    DATABASE_URL: withDatabase(inject('appDatabaseUrl'), name),
    WORKER_DATABASE_URL: withDatabase(inject('workerDatabaseUrl'), name),
  });
  const bus = await startService('apps/event-bus/src/main.ts', {
    ...databasesOf(database),
    JWKS_URL: jwks.url,
    EVENTBUS_MASTER_KEYS,
    EVENTBUS_ACTIVE_MASTER_KEY_ID: 'test-1',
    EVENTBUS_STREAM_NAMESPACE: namespace,
    EVENTBUS_CONSUMER_NAME: `replay-${randomUUID().slice(0, 8)}`,
  });
  const domain = (name: string, stream: string) =>
    startService('apps/domain-repository/src/main.ts', {
      ...databasesOf(name),
      JWKS_URL: jwks.url,
      CRM_WORK_STREAM: stream,
      CONSUMER_NAME: `domain-repository-${randomUUID().slice(0, 8)}`,
    });
  const services = [bus, await domain(database, crmStreams[0]!), await domain(emptyDatabase, crmStreams[1]!)];
  const owners = [new pg.Client({ connectionString: ownerUrl }), new pg.Client({ connectionString: emptyOwnerUrl })];
  await Promise.all([...services.map(untilReady), ...owners.map((owner) => owner.connect())]);
  const repository = (i: number): DomainRepository => ({
    url: services[i + 1]!.url,
    count: async (sql, tenantId) => (await owners[i]!.query<{ n: number }>(sql, [tenantId])).rows[0]!.n,
    rows: async (sql, tenantId) => (await owners[i]!.query(sql, [tenantId])).rows,
  });
  return {
    namespace,
    eventBusUrl: bus.url,
    /** The domain-repository on the test database. */
    live: repository(0),
    /** The domain-repository on a database of its own. */
    empty: repository(1),
    /** A token of the tenant's service principal with these permissions. */
    token: (tenantId: string, permissions: string[]) =>
      signTestToken(key, testClaims({ tenant_id: tenantId, roles: ['service'], permissions })),
    async close() {
      await Promise.allSettled(services.map(stop));
      await Promise.allSettled(owners.map((owner) => owner.end()));
      await jwks.close();
      const maintenance = new pg.Client({ connectionString: withDatabase(ownerUrl, 'postgres') });
      await maintenance.connect();
      await maintenance.query(`DROP DATABASE IF EXISTS "${emptyDatabase}" WITH (FORCE)`);
      await maintenance.end();
      const redis = testRedis('integration-replay');
      await deleteNamespace(redis, namespace);
      await redis.del(...crmStreams.flatMap((stream) => [stream, `${stream}:dlq`]));
      await redis.quit();
    },
  };
}

export type ReplayPlatform = Awaited<ReturnType<typeof startReplayPlatform>>;
