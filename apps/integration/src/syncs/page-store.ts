import type pg from 'pg';
import type { FetchedRecord } from './sources/sync-source.ts';
import type { SyncCursor } from './sync.ts';

export type RecordChange = 'created' | 'updated' | 'unchanged';

/**
 * How each record of a page compares with what the sync has seen, in one statement: never seen
 * (or seen deleted) is created, another hash is updated, the same hash is unchanged.
 */
export async function compareRecords(
  client: pg.ClientBase,
  syncId: string,
  records: readonly FetchedRecord[],
): Promise<Map<string, RecordChange>> {
  if (records.length === 0) return new Map();
  // One primary-key probe per record (LATERAL ... LIMIT 1 is never flattened into a join), so a
  // page costs the same however many records the sync holds and whatever the statistics say.
  const { rows } = await client.query<{ id: string; change: RecordChange }>(
    `SELECT p.id, CASE WHEN r.content_hash IS NULL OR r.deleted_at IS NOT NULL THEN 'created'
                       WHEN r.content_hash <> p.hash THEN 'updated' ELSE 'unchanged' END AS change
     FROM unnest($2::text[], $3::text[]) AS p(id, hash)
     LEFT JOIN LATERAL (SELECT content_hash, deleted_at FROM integration.sync_records
                        WHERE sync_id = $1 AND external_id = p.id LIMIT 1) r ON true`,
    [syncId, records.map((r) => r.externalId), records.map((r) => r.contentHash)],
  );
  return new Map(rows.map((row) => [row.id, row.change]));
}

export interface PageCounts {
  pages: number;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export interface PageCommit {
  tenantId: string;
  syncId: string;
  runId: string;
  /** The lease the run holds now, and the one this commit extends it to. */
  heldLease: Date;
  nextLease: Date;
  counts: PageCounts;
  cursor: SyncCursor;
  /** Records the page saw: stored with their hash and the pass that saw them. */
  seen: readonly FetchedRecord[];
  /** Records found gone (full mode): marked deleted. */
  gone: readonly string[];
  now: Date;
}

/**
 * In the tenant's transaction, in one statement: adds the page's counts to the run and extends its
 * lease (only while the run still holds the lease it had: false when another replica took it
 * over), moves the sync's cursor, stores the hashes of what the page saw and marks what it found
 * gone. Nothing else is written unless the lease was held.
 */
export async function commitPage(client: pg.ClientBase, page: PageCommit): Promise<boolean> {
  const { counts } = page;
  const { rows } = await client.query<{ held: number }>(
    `WITH run AS (
       UPDATE integration.sync_runs SET pages = pages + $4, fetched = fetched + $5, created = created + $6,
         updated = updated + $7, deleted = deleted + $8, unchanged = unchanged + $9, lease_until = $10
       WHERE id = $3 AND status = 'running' AND lease_until = $11 RETURNING id),
     moved AS (
       UPDATE integration.syncs SET cursor = $12, updated_at = $13 WHERE id = $2 AND EXISTS (SELECT 1 FROM run)),
     seen AS (
       INSERT INTO integration.sync_records AS r (tenant_id, sync_id, external_id, content_hash, last_run_id, deleted_at, updated_at)
       SELECT $1::uuid, $2::uuid, t.id, t.hash, $14::uuid, NULL::timestamptz, $13::timestamptz FROM unnest($15::text[], $16::text[]) AS t(id, hash)
       WHERE EXISTS (SELECT 1 FROM run)
       ON CONFLICT (sync_id, external_id) DO UPDATE SET content_hash = EXCLUDED.content_hash,
         last_run_id = EXCLUDED.last_run_id, deleted_at = NULL,
         updated_at = CASE WHEN r.content_hash = EXCLUDED.content_hash AND r.deleted_at IS NULL
                           THEN r.updated_at ELSE EXCLUDED.updated_at END
       WHERE r.last_run_id <> EXCLUDED.last_run_id OR r.content_hash <> EXCLUDED.content_hash OR r.deleted_at IS NOT NULL),
     gone AS (
       UPDATE integration.sync_records SET deleted_at = $13, updated_at = $13
       WHERE sync_id = $2 AND external_id = ANY($17::text[]) AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM run))
     SELECT count(*)::int AS held FROM run`,
    [
      page.tenantId,
      page.syncId,
      page.runId,
      counts.pages,
      counts.fetched,
      counts.created,
      counts.updated,
      counts.deleted,
      counts.unchanged,
      page.nextLease,
      page.heldLease,
      JSON.stringify(page.cursor),
      page.now,
      page.cursor.pass,
      page.seen.map((r) => r.externalId),
      page.seen.map((r) => r.contentHash),
      page.gone,
    ],
  );
  return rows[0]!.held === 1;
}

/**
 * Records of the sync the pass has not seen and not yet marked deleted (full mode), a batch at a
 * time in key order after `after`: the whole pass reads the sync's records once.
 */
export async function unseenRecords(
  client: pg.ClientBase,
  syncId: string,
  pass: string,
  after: string,
  limit: number,
): Promise<{ externalId: string; contentHash: string; updatedAt: Date }[]> {
  const { rows } = await client.query<{ externalId: string; contentHash: string; updatedAt: Date }>(
    `SELECT external_id AS "externalId", content_hash AS "contentHash", updated_at AS "updatedAt" FROM integration.sync_records
     WHERE sync_id = $1 AND external_id > $3 AND deleted_at IS NULL AND last_run_id <> $2 ORDER BY external_id LIMIT $4`,
    [syncId, pass, after, limit],
  );
  return rows;
}
