import type { EventEnvelope } from '@bizosaas/event-schemas';
import { withTransaction } from '@bizosaas/db';
import type { IntegrationContext } from '../context.ts';
import { tenantTransaction } from '../events/tenant-transaction.ts';
import type { CrmForwarder } from './crm-forwarder.ts';
import { commitPage, compareRecords, unseenRecords, type PageCounts } from './page-store.ts';
import { adMetricsSynced, recordsChanged, type ChangedRecord, type RunRef } from './run-events.ts';
import type { RunLease } from './run-lease.ts';
import type { CrmRecord, FetchedPage, FetchedRecord, SyncSource } from './sources/sync-source.ts';
import type { SyncCursor, SyncMode } from './sync.ts';

/** A run in progress on this replica. `cursor` is what the last commit stored. */
export interface ActiveRun {
  ref: RunRef;
  provider: string;
  mode: SyncMode;
  source: SyncSource;
  lease: RunLease;
  cursor: SyncCursor;
  signal: AbortSignal;
}

export interface PageDeps {
  ctx: IntegrationContext;
  forwarder: CrmForwarder | null;
}

const NO_COUNTS: PageCounts = { pages: 0, fetched: 0, created: 0, updated: 0, deleted: 0, unchanged: 0 };
const DELETION_BATCH = 100;

/** A provider that repeats an id within a page: its last copy counts. */
const uniqueRecords = (records: readonly FetchedRecord[]) => [
  ...new Map(records.map((r) => [r.externalId, r])).values(),
];

/**
 * Forward, then commit: changed CRM records reach domain-repository before their page commits, so a
 * crash in between forwards them again (recognised there as duplicates) and loses none.
 */
async function commit(
  run: ActiveRun,
  deps: PageDeps,
  step: { cursor: SyncCursor; counts: PageCounts; seen?: FetchedRecord[]; gone?: string[]; events: EventEnvelope[] },
  forwarded: CrmRecord[],
): Promise<void> {
  if (forwarded.length > 0) {
    if (!deps.forwarder) throw new Error('CRM records cannot be forwarded: no token source for domain-repository');
    const { tenantId, syncId, runId } = run.ref;
    await deps.forwarder.forward({ tenantId, syncId, runId, page: step.cursor.page, records: forwarded }, run.signal);
  }
  await run.lease.exclusive(async (heldLease, nextLease) => {
    const held = await tenantTransaction(deps.ctx, run.ref.tenantId, async (client, publish) => {
      const written = await commitPage(client, {
        tenantId: run.ref.tenantId,
        syncId: run.ref.syncId,
        runId: run.ref.runId,
        heldLease,
        nextLease,
        counts: step.counts,
        cursor: step.cursor,
        seen: step.seen ?? [],
        gone: step.gone ?? [],
        now: deps.ctx.now(),
      });
      if (written) await publish(step.events);
      return written;
    });
    return { held, value: undefined };
  });
  run.cursor = step.cursor;
}

async function ingestPage(run: ActiveRun, deps: PageDeps, page: FetchedPage): Promise<void> {
  const { ctx } = deps;
  const records = uniqueRecords(page.records);
  const changes = await withTransaction(ctx.pool, (client) => compareRecords(client, run.ref.syncId, records), {
    tenantId: run.ref.tenantId,
  });
  const changed: ChangedRecord[] = [];
  const counts = { ...NO_COUNTS, pages: 1, fetched: records.length };
  for (const record of records) {
    const change = changes.get(record.externalId) ?? 'created';
    counts[change] += 1;
    if (change === 'unchanged') continue;
    const crm = page.crmRecords?.get(record.externalId);
    changed.push({
      externalId: record.externalId,
      change,
      contentHash: record.contentHash,
      fields: record.fields,
      providerVersion: crm ? { createdAt: crm.createdAt, updatedAt: crm.updatedAt } : null,
    });
  }
  const last = page.next === null;
  const cursor: SyncCursor = {
    ...run.cursor,
    page: run.cursor.page + 1,
    position: page.next,
    phase: !last ? 'records' : run.mode === 'full' && run.source.detectsDeletions ? 'deletions' : 'done',
  };
  const provenance = { page: cursor.page, cursor: run.cursor.position, providerRequestId: page.requestId };
  const events: EventEnvelope[] = [];
  if (changed.length > 0 && page.adMetrics)
    events.push(adMetricsSynced(run.ref, run.provider, page.adMetrics, ctx.now));
  else if (changed.length > 0) events.push(recordsChanged(run.ref, run.provider, provenance, changed, ctx.now));
  const forwarded = run.source.forwardsToCrm ? changed.map((r) => page.crmRecords!.get(r.externalId)!) : [];
  await commit(run, deps, { cursor, counts, seen: records, events }, forwarded);
}

/**
 * The records phase of a pass, from the committed cursor to the last page. The next page is
 * fetched while this one is compared, forwarded and committed; commits stay in page order.
 */
export async function ingestPages(run: ActiveRun, deps: PageDeps): Promise<void> {
  const fetch = (position: string | null) => {
    const pending = run.source.fetch(position, run.cursor.until);
    pending.catch(() => undefined); // awaited below; a run stopped meanwhile never reads it
    return pending;
  };
  let next = fetch(run.cursor.position);
  while (run.cursor.phase === 'records') {
    const page = await next;
    if (page.next !== null) next = fetch(page.next);
    await ingestPage(run, deps, page);
  }
}

/** Full mode: what the pass did not see is deleted at the provider, a batch at a time. */
export async function detectDeletions(run: ActiveRun, deps: PageDeps): Promise<void> {
  const { ctx } = deps;
  const pass = run.cursor.pass!;
  // Resumed mid-phase, it starts over from the first key: what it marked already is skipped.
  for (let after = ''; ;) {
    const gone = await withTransaction(
      ctx.pool,
      (client) => unseenRecords(client, run.ref.syncId, pass, after, DELETION_BATCH),
      { tenantId: run.ref.tenantId },
    );
    if (gone.length === 0) break;
    after = gone.at(-1)!.externalId;
    const cursor: SyncCursor = { ...run.cursor, page: run.cursor.page + 1 };
    const provenance = { page: cursor.page, cursor: null, providerRequestId: null };
    const records: ChangedRecord[] = gone.map(({ externalId, contentHash, updatedAt }) => ({
      externalId,
      change: 'deleted',
      contentHash,
      fields: null,
      providerVersion: { createdAt: updatedAt.toISOString(), updatedAt: updatedAt.toISOString() },
    }));
    const now = ctx.now().toISOString();
    const forwarded = run.source.forwardsToCrm
      ? gone.map(({ externalId, updatedAt }) => ({
          id: externalId,
          properties: {},
          createdAt: updatedAt.toISOString(),
          // The last time the sync saw it change: the same on a retry, so a repeat is a duplicate.
          updatedAt: updatedAt.toISOString(),
          archived: true,
          archivedAt: now,
        }))
      : [];
    const counts = { ...NO_COUNTS, deleted: gone.length };
    const events = [recordsChanged(run.ref, run.provider, provenance, records, ctx.now)];
    await commit(run, deps, { cursor, counts, gone: gone.map((r) => r.externalId), events }, forwarded);
  }
  run.cursor = { ...run.cursor, phase: 'done' };
}
