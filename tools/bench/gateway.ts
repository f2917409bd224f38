// Throughput and latency of the gateway against hitting the service directly, side by side.
//   node tools/build.mjs api-gateway && npx tsx tools/bench/gateway.ts
// Starts, as real processes: an upstream (tools/bench/gateway-upstream.ts: service-kit, token
// verified against a JWKS, a trivial route and a route reading one row inside withTenant) and
// the built gateway (apps/api-gateway/dist/main.js: JWT check, per-IP and per-tenant limits in
// Redis, circuit breaker, forwarding). Then autocannon, with the same token, direct vs through
// the gateway for each route.
// env: BENCH_DATABASE_URL  owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_bench)
//      REDIS_URL           (default redis://127.0.0.1:6379)
//      BENCH_SECONDS       measured seconds per run (default 10, after 2 s of warm-up; the paced runs too)
//      BENCH_CONNECTIONS   (default 50)
//      BENCH_RATE          paced open-loop load of the fixed-rate run, req/s to each of direct and gateway,
//                          which it loads side by side (default 250: the upstream serves 500 req/s in all;
//                          at 500 each the row route's upstream saturated, direct p50 8 ms)
//      BENCH_LOG_LEVEL     LOG_LEVEL of both processes (default warn; info logs every request)
//      BENCH_GATEWAY_NODE_ARGS  extra node arguments for the gateway, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { pacedLoad } from './paced-load.ts';
import pg from 'pg';
import { generateSigningKey, jwksOf, signTestToken, startJwksServer, testClaims } from '@bizosaas/auth/testing';
import {
  APP_ROLE,
  DEV_APP_PASSWORD,
  DEV_WORKER_PASSWORD,
  ensureAppRole,
  ensureDatabase,
  tenantRlsStatements,
} from '@bizosaas/db/migrations';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ownerUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_bench';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rate = Number(process.env.BENCH_RATE ?? 250);
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const schema = 'gateway_bench';
const ports = { upstream: 18_811, gateway: 18_080 };

async function prepareDatabase(tenantId: string): Promise<string> {
  await ensureDatabase(ownerUrl);
  await ensureAppRole(ownerUrl, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD);
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  await owner.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  await owner.query(`CREATE TABLE ${schema}.bench_rows (tenant_id uuid PRIMARY KEY, name text NOT NULL)`);
  await owner.query(tenantRlsStatements(schema, 'bench_rows'));
  await owner.query(
    `GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}; GRANT SELECT ON ${schema}.bench_rows TO ${APP_ROLE}`,
  );
  // Other tenants' rows make RLS do real filtering work.
  await owner.query(`INSERT INTO ${schema}.bench_rows SELECT gen_random_uuid(), 'other' FROM generate_series(1, 1000)`);
  await owner.query(`INSERT INTO ${schema}.bench_rows VALUES ($1, 'bench tenant')`, [tenantId]);
  // As in end-to-end-latency.ts: not inside a spread checkpoint another benchmark's WAL started.
  await owner
    .query('CHECKPOINT')
    .catch((error: Error) => console.warn(`no CHECKPOINT before the runs: ${error.message}`));
  await owner.end();
  return Object.assign(new URL(ownerUrl), { username: APP_ROLE, password: DEV_APP_PASSWORD }).toString();
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${args.at(-1)} exited early (${code ?? signal})`);
  });
  return child;
}

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`port ${port} not ready`);
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

/** Closed loop: each connection sends as fast as answers come back (throughput at saturation). */
async function measure(url: string, authorization: string, duration: number): Promise<Figures> {
  const result = await autocannon({ url, connections, duration, headers: { authorization } });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors,
  };
}

let stopping = false;
const key = await generateSigningKey('EdDSA');
const jwks = await startJwksServer(jwksOf(key));
const tenantId = randomUUID();
const token = `Bearer ${await signTestToken(key, { ...testClaims({ tenant_id: tenantId, plan: 'enterprise' }), exp: Math.floor(Date.now() / 1000) + 3600 })}`;
const appUrl = await prepareDatabase(tenantId);
const closed = 'http://127.0.0.1:9';
const children = [
  startProcess(['--import', 'tsx', 'tools/bench/gateway-upstream.ts'], {
    PORT: String(ports.upstream),
    JWKS_URL: jwks.url,
    DATABASE_URL: appUrl,
    BENCH_SCHEMA: schema,
    LOG_LEVEL: logLevel,
  }),
  startProcess(
    [...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []), 'apps/api-gateway/dist/main.js'],
    {
      PORT: String(ports.gateway),
      HOST: '127.0.0.1',
      LOG_LEVEL: logLevel,
      JWKS_URL: jwks.url,
      REDIS_URL: redisUrl,
      DOMAIN_REPOSITORY_URL: `http://127.0.0.1:${ports.upstream}`,
      ...Object.fromEntries(
        [
          'AI_AGENTS_URL',
          'USER_MANAGEMENT_URL',
          'CAMPAIGN_URL',
          'ANALYTICS_URL',
          'INTEGRATION_URL',
          'NOTIFICATION_URL',
          'EVENT_BUS_URL',
        ].map((v) => [v, closed]),
      ),
      RATE_LIMIT_PREFIX: `bench:gateway:${randomUUID().slice(0, 8)}:`,
      RATE_LIMIT_PER_IP: '1000000000',
      RATE_LIMIT_ENTERPRISE: '1000000000',
    },
  ),
];
try {
  await waitReady(ports.upstream);
  await waitReady(ports.gateway);
  const rows: string[] = [];
  for (const route of ['trivial', 'row']) {
    const path = `/api/v1/leads/bench/${route}`;
    const direct = `http://127.0.0.1:${ports.upstream}${path}`;
    const gateway = `http://127.0.0.1:${ports.gateway}${path}`;
    await measure(direct, token, 2);
    const d = await measure(direct, token, seconds);
    await measure(gateway, token, 2);
    const g = await measure(gateway, token, seconds);
    rows.push(
      `${route.padEnd(8)} direct ${d.rps.toFixed(0).padStart(6)} req/s p50 ${d.p50} ms p99 ${d.p99} ms | ` +
        `gateway ${g.rps.toFixed(0).padStart(6)} req/s p50 ${g.p50} ms p99 ${g.p99} ms | ` +
        `ratio ${((g.rps / d.rps) * 100).toFixed(1)}% | added p99 ${g.p99 - d.p99} ms | non-2xx ${d.non2xx}/${g.non2xx}`,
    );
    // At saturation latency is connections / throughput, so the added p99 above mostly restates the
    // throughput ratio; at a paced load both sustain it is the gateway's own cost per request.
    // Both side by side in one paced run, so the machine's stalls hit them alike.
    const [dr, gr] = await pacedLoad({
      urls: [direct, gateway],
      headers: { authorization: token },
      connections,
      rate,
      seconds,
      warmupSeconds: 2,
    });
    if (!dr || !gr) throw new Error('paced load returned no result');
    const ms = (value: number) => value.toFixed(2);
    rows.push(
      `${route.padEnd(8)} paced ${rate}+${rate} req/s: direct p50 ${ms(dr.p50)} ms p99 ${ms(dr.p99)} ms | gateway p50 ${ms(gr.p50)} ms p99 ${ms(gr.p99)} ms | ` +
        `added p50 ${ms(gr.p50 - dr.p50)} ms, p99 ${ms(gr.p99 - dr.p99)} ms | failed ${dr.failed}/${gr.failed} of ${dr.sent}`,
    );
  }
  console.log(
    `gateway bench: ${connections} connections, ${seconds} s per run (closed loop, then paced at ${rate} req/s to each, side by side), LOG_LEVEL=${logLevel}`,
  );
  for (const row of rows) console.log(row);
} finally {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await jwks.close();
}
