// The processes of integration-sync-kill.ts, started as sync-resume.int.test.ts starts them (tsx):
// domain-repository on a private redis-server, behind the counting tap; the local HubSpot server
// and a JWKS in this process; the tenant's connection sealed by seed-connection.ts; integration
// replicas (sync-replica.ts) that also sweep for expired leases, each a fresh process.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, WORKER_ROLE, migrateDatabase } from '@bizosaas/db/migrations';
import { eventually, freePort, start, untilReady, type Started } from '../e2e/processes.ts';
import { privateRedis } from './servers.ts';
import { sampleRss, startForwardTap, startHubspotTap } from './sync-kill-observers.ts';

export interface PlatformOptions {
  /** Owner URL of the fault database. */
  ownerUrl: string;
  contacts: number;
  /** domain-repository processes, one consumer group: the CRM work queue's jobs are shared out. */
  domainReplicas: number;
  leaseMs: number;
  tickMs: number;
  logLevel: string;
}

const tsx = (script: string, env: Record<string, string>) => start(process.execPath, ['--import', 'tsx', script], env);
const roleUrl = (ownerUrl: string, role: string, password: string) =>
  Object.assign(new URL(ownerUrl), { username: role, password }).toString();

/**
 * The fault database migrated, with nothing an interrupted fault run left behind for this one's
 * processes to take up: its sync run going, its notifications still queued.
 */
export async function prepareDatabase(ownerUrl: string): Promise<pg.Pool> {
  await migrateDatabase({ url: ownerUrl, appPassword: DEV_APP_PASSWORD, workerPassword: DEV_WORKER_PASSWORD });
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  const left = 'left by an interrupted fault run';
  await owner.query(
    `UPDATE integration.sync_runs SET status = 'failed', error = $1, finished_at = now(), lease_until = NULL
     WHERE status = 'running'`,
    [left],
  );
  await owner.query(
    `UPDATE domain_repository.crm_events SET status = 'dead', last_error = $1 WHERE status = 'accepted'`,
    [left],
  );
  return owner;
}

/** All but the replicas, for one new tenant. */
export async function startPlatform(options: PlatformOptions) {
  const redis = await privateRedis();
  const hubspot = await startHubspot(options.contacts);
  const key = await generateSigningKey();
  const jwks = await startJwksServer(jwksOf(key));
  const tenantId = randomUUID();
  const exp = Math.floor(Date.now() / 1000) + 4 * 3_600;
  const sign = (claims: { roles: string[]; permissions?: string[] }) =>
    signTestToken(key, testClaims({ tenant_id: tenantId, exp, ...claims }));
  const env = {
    DATABASE_URL: roleUrl(options.ownerUrl, APP_ROLE, DEV_APP_PASSWORD),
    WORKER_DATABASE_URL: roleUrl(options.ownerUrl, WORKER_ROLE, DEV_WORKER_PASSWORD),
    REDIS_URL: redis.url,
    JWKS_URL: jwks.url,
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    INTEGRATION_MASTER_KEYS: JSON.stringify({ fault: Buffer.alloc(32, 'integration-fault-master').toString('base64') }),
  };
  const ports: number[] = [];
  for (let i = 0; i < options.domainReplicas; i += 1) ports.push(await freePort());
  const domainUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const processes: Started[] = ports.map((port, i) =>
    tsx('apps/domain-repository/src/main.ts', {
      ...env,
      PORT: String(port),
      CONSUMER_NAME: `domain-repository-${i + 1}`,
    }),
  );
  const tap = await startForwardTap(domainUrls);
  const close = async () => {
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));
    await Promise.all([tap.close(), hubspot.close(), jwks.close()]);
    await redis.remove();
  };
  try {
    await Promise.all(domainUrls.map((url, i) => untilReady(url, 60_000, processes[i]!.output)));
    const connectionId = await seedConnection(env, tenantId, hubspot.accessToken);
    return { options, hubspot, tap, tenantId, sign, env, connectionId, processes, close };
  } catch (error) {
    await close();
    throw error;
  }
}
export type Platform = Awaited<ReturnType<typeof startPlatform>>;

/** The local HubSpot server as a process (its first line: address and token), behind a counting tap. */
async function startHubspot(contacts: number) {
  const server = start(process.execPath, [
    '--import',
    'tsx',
    'apps/integration/src/testing/hubspot-server.ts',
    String(contacts),
  ]);
  const first = await eventually(
    async () => {
      const output = server.output();
      return output.includes('\n') ? output.slice(0, output.indexOf('\n')) : undefined;
    },
    30_000,
    "the HubSpot server's address",
  );
  const { baseUrl, accessToken } = JSON.parse(first) as { baseUrl: string; accessToken: string };
  const tap = await startHubspotTap(baseUrl);
  return {
    baseUrl: tap.url,
    accessToken,
    requests: tap.requests,
    close: async () => {
      await tap.close();
      await server.stop();
    },
  };
}

/** The tenant's HubSpot connection, sealed as the connections feature stores it. */
async function seedConnection(env: Record<string, string>, tenantId: string, accessToken: string): Promise<string> {
  const seeded = tsx('apps/integration/src/syncs/testing/seed-connection.ts', {
    ...env,
    SEED_TENANT_ID: tenantId,
    SEED_PROVIDER: 'hubspot',
    SEED_ACCESS_TOKEN: accessToken,
  });
  const [code] = (await once(seeded.child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`seed-connection exited with ${code}: ${seeded.output()}`);
  return seeded.output().trim().split('\n').at(-1)!;
}

/** An integration replica as a fresh process, its syncs API with an admin token, its memory sampled. */
export async function startReplica(platform: Platform, name: string) {
  const { options } = platform;
  const port = await freePort();
  const started = tsx('apps/integration/src/syncs/testing/sync-replica.ts', {
    ...platform.env,
    PORT: String(port),
    CONSUMER_NAME: name,
    OUTBOUND_ALLOWED_CIDRS: '127.0.0.0/8',
    PROVIDER_OVERRIDES: JSON.stringify({ hubspot: { baseUrl: platform.hubspot.baseUrl } }),
    DOMAIN_REPOSITORY_URL: platform.tap.url,
    SYNC_REPLICA_CRM_TOKEN: await platform.sign({ roles: ['service'], permissions: ['integrations:manage'] }),
    SYNC_REPLICA_LEASE_MS: String(options.leaseMs),
    SYNC_REPLICA_TICK_MS: String(options.tickMs),
  });
  platform.processes.push(started);
  await untilReady(`http://127.0.0.1:${port}`, 60_000, started.output);
  const token = await platform.sign({ roles: ['admin'] });
  const api = async <T>(method: string, path: string, body?: object): Promise<T> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/integrations/syncs${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body && { 'content-type': 'application/json' }) },
      ...(body && { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  return { ...started, api, rss: sampleRss(started.child.pid!) };
}
