// The campaign targets of DESIGN.md, on real processes: npx tsx tools/bench/campaign.ts
// Builds and starts user-management (the tenants, the tokens, campaign's service client),
// notification (SMTP to a sink in this process that accepts everything) and campaign, from their
// bundles on the migrated bench database. Campaign reads a stream namespace of its own, where this
// script publishes campaign.created and campaign.launched as domain-repository would; contacts are
// written straight into campaign's read model (100,000 lead.created events would only measure
// the contacts consumer).
// 1. enrol: BENCH_RECIPIENTS new leads (100,000) and a plan targeting status `new` whose first
//    step is a 24 h wait; then the launch. Figures: launch -> the execution committed with its
//    audienceSize, every enrolment and every campaign.recipient_enrolled (one transaction, polled);
//    launch -> the dispatcher scheduled every recipient's wait (its due time 24 h on); launch ->
//    every recipient_enrolled relayed to Redis; campaign's peak RSS. Target: enrol and schedule
//    100,000 < 10 s, read as the committed execution (each enrolment is due: its durable timer).
// 2. dispatch: per row of BENCH_DISPATCH (campaign's DISPATCH_BATCH_SIZE x DISPATCH_CONCURRENCY,
//    a campaign process each), a tenant of its own with BENCH_DISPATCH_RECIPIENTS leads (20,000)
//    and a one-email plan. Sends turning `accepted` (notification answered its batch trigger) are
//    counted each second; figures: the steady rate (10% -> 90% of them), the 1-s samples, a round's
//    claim -> answer time (from the sends' reserved_at and accepted_at), notification's mean
//    batch trigger time (its /metrics), and the sink's rate and duplicates once all arrived.
//    Target: >= 500 messages/s into notification.
// Bench tenants' rows and their entries on the shared streams are removed at the end (not with BENCH_KEEP=1).
// env: BENCH_DATABASE_URL, REDIS_URL, BENCH_PHASES (enrol,dispatch), BENCH_RECIPIENTS, BENCH_DISPATCH
//      ("500x4,1000x4,200x8"), BENCH_DISPATCH_RECIPIENTS, BENCH_TIMEOUT_SECONDS (a phase gives up
//      after this long without progress, 120), BENCH_LOG_LEVEL (warn), BENCH_NODE_ARGS (node
//      arguments of campaign, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). notification's own
//      settings (SMTP_POOL_SIZE, and its DISPATCH_* of the same names as campaign's) pass through.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Redis } from 'ioredis';
import {
  createFleet,
  freePort,
  ownerUrl,
  prepareBenchDatabase,
  redisUrl,
  root,
  startSmtpSink,
  waitReady,
} from './notification-bench-support.ts';
import { campaignEvents, deleteTenant, dropPublished, publish, seedContacts } from './campaign-bench-support.ts';
import { dispatchRow, printDispatchHeader } from './campaign-dispatch.ts';
import { enrolPhase } from './campaign-enrol.ts';

const phases = new Set((process.env.BENCH_PHASES ?? 'enrol,dispatch').split(','));
const rows = (process.env.BENCH_DISPATCH ?? '500x4,1000x4,200x8').split(',').map((row) => {
  const [batch, concurrency] = row.split('x').map(Number);
  return { batch: batch!, concurrency: concurrency! };
});
const logLevel = process.env.BENCH_LOG_LEVEL ?? 'warn';
const run = randomUUID().slice(0, 8);
const namespace = `bench:campaign:${run}:events`;
const serviceClient = { id: 'campaign', secret: randomBytes(32).toString('base64url') };
// BENCH-ONLY key-encryption key of user-management's signing keys (the tests' key).
const BENCH_KEK = Buffer.alloc(32, 'bizosaas-test-kek').toString('base64');
const closed = 'http://127.0.0.1:9';

execFileSync(process.execPath, ['tools/build.mjs', 'user-management', 'notification', 'campaign'], {
  cwd: root,
  stdio: 'inherit',
});
const databases = await prepareBenchDatabase();
const owner = new pg.Pool({ connectionString: ownerUrl, max: 3 });
const redis = new Redis(redisUrl);
const [seconds] = await redis.time();
const sinceId = `${Number(seconds) * 1000}-0`;
const sink = await startSmtpSink();
const ports = { users: await freePort(), notification: await freePort() };
const users = `http://127.0.0.1:${ports.users}`;
const jwksUrl = `${users}/.well-known/jwks.json`;
const fleet = createFleet();
const tenants = new Set<string>();

export interface BenchTenant {
  tenantId: string;
  userId: string;
  authorization: string;
}

async function call(method: string, url: string, authorization?: string, body?: object): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { ...(authorization && { authorization }), ...(body && { 'content-type': 'application/json' }) },
    ...(body && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

async function register(label: string): Promise<BenchTenant> {
  const answer = (await call('POST', `${users}/api/v1/auth/register`, undefined, {
    tenantName: `Campaign bench ${label} ${run}`,
    email: `campaign.bench.${label}.${run}@example.test`,
    password: 'a strong enough password',
  })) as { tenant: { id: string }; user: { id: string }; accessToken: string };
  tenants.add(answer.tenant.id);
  return { tenantId: answer.tenant.id, userId: answer.user.id, authorization: `Bearer ${answer.accessToken}` };
}

/** A campaign process of its own (its figures, its settings); stopped by the caller. */
async function startCampaign(env: Record<string, string> = {}) {
  const port = await freePort();
  const own = createFleet();
  const child = own.start(
    'campaign',
    port,
    {
      ...databases,
      LOG_LEVEL: logLevel,
      JWKS_URL: jwksUrl,
      USER_MANAGEMENT_URL: users,
      CAMPAIGN_SERVICE_CLIENT_ID: serviceClient.id,
      CAMPAIGN_SERVICE_CLIENT_SECRET: serviceClient.secret,
      NOTIFICATION_URL: `http://127.0.0.1:${ports.notification}`,
      DOMAIN_REPOSITORY_URL: closed,
      EVENT_STREAM_NAMESPACE: namespace,
      CONSUMER_GROUP_PREFIX: `campaign-bench-${run}`,
      CONSUMER_NAME: `bench-${run}`,
      ...env,
    },
    process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean),
  );
  await waitReady(port);
  return { base: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => own.stop() };
}
export type CampaignProcess = Awaited<ReturnType<typeof startCampaign>>;

/** Saves the plan, publishes campaign.created and waits for its read model row; returns the launch to publish. */
async function prepareLaunch(campaign: CampaignProcess, tenant: BenchTenant, steps: object[]) {
  const campaignId = randomUUID();
  await call('PUT', `${campaign.base}/api/v1/campaign-executions/${campaignId}/plan`, tenant.authorization, {
    audience: { filter: { status: ['new'] } },
    steps,
  });
  const [created, launched] = campaignEvents(tenant.tenantId, campaignId, tenant.userId);
  await publish(redis, namespace, created);
  for (;;) {
    const { rowCount } = await owner.query(
      'SELECT 1 FROM campaign.campaigns WHERE tenant_id = $1 AND campaign_id = $2',
      [tenant.tenantId, campaignId],
    );
    if (rowCount === 1) break;
    await sleep(20);
  }
  return { campaignId, launch: () => publish(redis, namespace, launched) };
}
export type PreparedLaunch = Awaited<ReturnType<typeof prepareLaunch>>;

const bench = { owner, sink, register, startCampaign, prepareLaunch, seedContacts, call, run };
export type Bench = typeof bench;

try {
  fleet.start('user-management', ports.users, {
    ...databases,
    LOG_LEVEL: logLevel,
    SIGNING_KEY_ENCRYPTION_KEY: BENCH_KEK,
    LOGIN_LIMIT_KEY_PREFIX: `bench:campaign:${run}:login`,
    SERVICE_CLIENTS: JSON.stringify({
      [serviceClient.id]: {
        secret: serviceClient.secret,
        permissions: ['notifications:send', 'campaigns:read', 'campaigns:write', 'campaigns:launch'],
      },
    }),
  });
  fleet.start('notification', ports.notification, {
    ...databases,
    LOG_LEVEL: logLevel,
    JWKS_URL: jwksUrl,
    SMTP_URLS: `sink=${sink.url}`,
    EVENT_STREAM_NAMESPACE: `bench:campaign:${run}:notification-events`,
    CONSUMER_NAME: `bench-${run}`,
  });
  await Promise.all(Object.values(ports).map((port) => waitReady(port)));
  console.log(`campaign bench (run ${run}), LOG_LEVEL=${logLevel}; other work on this machine makes the figures noisy`);
  if (phases.has('enrol')) await enrolPhase(bench);
  if (phases.has('dispatch')) {
    printDispatchHeader();
    for (const row of rows) await dispatchRow(bench, row, ports.notification);
  }
} finally {
  await fleet.stop();
  await sink.close();
  if (process.env.BENCH_KEEP === '1') console.log(`kept tenants ${[...tenants].join(', ')}`);
  else {
    for (const tenantId of tenants) await deleteTenant(owner, tenantId);
    const dropped = await dropPublished(redis, tenants, sinceId);
    console.log(`removed the bench tenants' rows and ${dropped} entries they left on the shared streams`);
  }
  for await (const keys of redis.scanStream({ match: `bench:campaign:${run}:*`, count: 1000 }))
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  await redis.quit();
  await owner.end();
}
