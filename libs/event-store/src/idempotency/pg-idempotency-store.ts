import type { IdempotencyKey, IdempotencyRecord, IdempotencyStore } from './idempotency-store.ts';
import type pg from 'pg';
import { quotedSchema } from '../store/sql-names.ts';
import { withTransaction } from '@bizosaas/db';

export interface PgIdempotencyStoreOptions {
  /** App-role pool: each key is read and written under its tenant (RLS). */
  pool: pg.Pool;
  /** Schema holding `idempotency_keys` (see eventStoreDdl). */
  schema: string;
}

/**
 * The IdempotencyStore in `<schema>.idempotency_keys`: one row per (tenant, command
 * type, key), the first put wins (a unique constraint; racing puts wait for the winner's commit
 * and then read its row). Rows are pruned by pruneProcessedRecords after their retention.
 */
export function createPgIdempotencyStore({ pool, schema }: PgIdempotencyStoreOptions): IdempotencyStore {
  const s = quotedSchema(schema);
  const match = `tenant_id IS NOT DISTINCT FROM $1::uuid AND command_type = $2 AND idempotency_key = $3`;
  const select = `SELECT fingerprint, result FROM ${s}.idempotency_keys WHERE ${match}`;
  const insert = `INSERT INTO ${s}.idempotency_keys (tenant_id, command_type, idempotency_key, fingerprint, result)
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT ON CONSTRAINT idempotency_keys_key DO NOTHING RETURNING fingerprint, result`;
  const params = (key: IdempotencyKey) => [key.tenantId, key.commandType, key.key];
  // Under the key's tenant; a platform command (no tenant) runs with none set, seeing only its own rows.
  const scoped = <T>(key: IdempotencyKey, work: (client: pg.ClientBase) => Promise<T>): Promise<T> =>
    key.tenantId === null ? withClient(pool, work) : withTransaction(pool, work, { tenantId: key.tenantId });

  return {
    get: (key) => scoped(key, async (client) => (await client.query<IdempotencyRecord>(select, params(key))).rows[0]),
    put: (key, record) =>
      scoped(key, async (client) => {
        const values = [...params(key), record.fingerprint, JSON.stringify(record.result ?? null)];
        const inserted = await client.query<IdempotencyRecord>(insert, values);
        // Lost the race: the winner has committed (the insert waited for it), so a fresh read sees it.
        return inserted.rows[0] ?? (await client.query<IdempotencyRecord>(select, params(key))).rows[0]!;
      }),
  };
}

async function withClient<T>(pool: pg.Pool, work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await work(client);
  } finally {
    client.release();
  }
}
