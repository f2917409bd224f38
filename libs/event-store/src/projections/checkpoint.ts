import pg from 'pg';
import type { GlobalCheckpoint } from '../store/types.ts';
import { queryStatements } from '../store/query-statements.ts';
import { qualified } from './table-names.ts';

/** Where a projection stands: last applied event, serving generation, definition version. */
export interface Checkpoint {
  readonly position: GlobalCheckpoint;
  readonly generation: number;
  readonly version: number;
}

// Advisory lock classes (first key); the second key is a hash of "<schema>.<projection>".
// A hash collision only serialises two projections, it never breaks one.
const APPLY_LOCK = 0x70726f6a; // "proj": held by whoever writes the projection (live batch or swap)
const REBUILD_LOCK = 0x72626c64; // "rbld": one rebuild per projection at a time

/**
 * Opens a transaction and takes the projection's write lock for it if free (replicas skip a
 * busy projection), in one round trip: schema and name are checked identifiers, so inlining
 * them as a literal is safe.
 */
export async function beginAndTryLock(client: pg.ClientBase, schema: string, name: string): Promise<boolean> {
  const results = await queryStatements<{ locked: boolean }>(
    client,
    `BEGIN; SELECT pg_try_advisory_xact_lock(${APPLY_LOCK}, hashtext(${pg.escapeLiteral(`${schema}.${name}`)})) AS locked`,
  );
  return results.at(-1)?.rows[0]?.locked === true;
}

/** Waits for the projection's write lock, for this transaction (the swap pauses the live loop). */
export async function lockProjection(client: pg.ClientBase, schema: string, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [APPLY_LOCK, `${schema}.${name}`]);
}

/** Session lock held for a whole rebuild; false when another rebuild of it is running. */
export async function tryLockRebuild(client: pg.ClientBase, schema: string, name: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [
    REBUILD_LOCK,
    `${schema}.${name}`,
  ]);
  return rows[0]?.locked === true;
}

export async function unlockRebuild(client: pg.ClientBase, schema: string, name: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [REBUILD_LOCK, `${schema}.${name}`]);
}

/** The projection's checkpoint, or undefined before it is installed. */
export async function readCheckpoint(
  client: pg.ClientBase,
  schema: string,
  name: string,
): Promise<Checkpoint | undefined> {
  const { rows } = await client.query<{
    transaction_id: string;
    global_position: string;
    generation: number;
    version: number;
  }>(
    `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position, generation, version
       FROM ${qualified(schema, 'projection_checkpoints')} WHERE projection = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    position: { transactionId: row.transaction_id, globalPosition: row.global_position },
    generation: row.generation,
    version: row.version,
  };
}

/**
 * Moves the checkpoint and commits, in one round trip (positions come from PostgreSQL as
 * digits, checked again here, so inlining them is safe).
 */
export async function saveCheckpointAndCommit(
  client: pg.ClientBase,
  schema: string,
  name: string,
  position: GlobalCheckpoint,
): Promise<void> {
  if (!/^\d+$/.test(position.transactionId) || !/^\d+$/.test(position.globalPosition)) {
    throw new Error(`Bad log position: ${JSON.stringify(position)}`);
  }
  const results = await queryStatements(
    client,
    `UPDATE ${qualified(schema, 'projection_checkpoints')}
        SET transaction_id = '${position.transactionId}'::xid8, global_position = ${position.globalPosition}, updated_at = now()
      WHERE projection = ${pg.escapeLiteral(name)};
     COMMIT`,
  );
  // A statement that failed inside a projection (and was caught there) aborted the
  // transaction: COMMIT then rolls back, which must not pass for success.
  if (results.at(-1)?.command !== 'COMMIT') throw new Error(`Projection ${name}: batch transaction was rolled back`);
}

/** Moves the checkpoint (and, on a swap, the serving generation and version). */
export async function saveCheckpoint(
  client: pg.ClientBase,
  schema: string,
  name: string,
  checkpoint: Checkpoint,
): Promise<void> {
  await client.query(
    `UPDATE ${qualified(schema, 'projection_checkpoints')}
        SET transaction_id = $2::xid8, global_position = $3, generation = $4, version = $5, updated_at = now()
      WHERE projection = $1`,
    [
      name,
      checkpoint.position.transactionId,
      checkpoint.position.globalPosition,
      checkpoint.generation,
      checkpoint.version,
    ],
  );
}
