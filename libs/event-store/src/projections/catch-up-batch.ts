import type pg from 'pg';
import { applyEvents, wantedTypes } from './apply-events.ts';
import { beginAndTryLock, readCheckpoint, saveCheckpointAndCommit } from './checkpoint.ts';
import type { AnyProjection } from './projection.ts';
import { heldBehindHorizon, readEventsAfter } from './read-events-after.ts';
import { generationTables } from './table-names.ts';

/**
 * What one live batch did: log rows read (handled or not), the events applied, and whether
 * committed rows wait behind an older open transaction (see heldBehindHorizon).
 */
export interface BatchOutcome {
  readonly read: number;
  readonly applied: readonly unknown[];
  readonly heldBack: boolean;
}

const IDLE: BatchOutcome = { read: 0, applied: [], heldBack: false };

/**
 * Applies the next batch of the log to the serving generation and advances the checkpoint in
 * the same transaction: the effect happens exactly once per event, whatever crashes. Skips
 * (returns IDLE) when another replica or a swap holds the projection, or when the definition's
 * version differs from the installed one (old tables keep serving, untouched, until a rebuild
 * swaps in tables of the new version).
 */
export async function catchUpBatch(
  pool: pg.Pool,
  schema: string,
  projection: AnyProjection,
  batchSize: number,
): Promise<BatchOutcome> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const outcome = await catchUpInTransaction(client, schema, projection, batchSize);
    if (outcome.read === 0) await client.query('ROLLBACK');
    return outcome;
  } catch (error) {
    // A failed ROLLBACK means the connection is unusable: destroy it instead of pooling it.
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

async function catchUpInTransaction(
  client: pg.ClientBase,
  schema: string,
  projection: AnyProjection,
  batchSize: number,
): Promise<BatchOutcome> {
  // An advisory lock, not SELECT ... FOR UPDATE: it assigns no transaction id, so this
  // transaction does not hold back the snapshot horizon the read below stops at.
  if (!(await beginAndTryLock(client, schema, projection.name))) return IDLE;
  const checkpoint = await readCheckpoint(client, schema, projection.name);
  if (!checkpoint || checkpoint.version !== projection.version) return IDLE;
  const logged = await readEventsAfter(client, schema, checkpoint.position, batchSize, wantedTypes(projection));
  const last = logged.at(-1);
  const heldBack =
    logged.length < batchSize && (await heldBehindHorizon(client, schema, last?.position ?? checkpoint.position));
  if (!last) return { ...IDLE, heldBack };
  const tables = generationTables(schema, projection, checkpoint.generation);
  const applied = await applyEvents(client, projection, tables, logged);
  await saveCheckpointAndCommit(client, schema, projection.name, last.position);
  return { read: logged.length, applied, heldBack };
}
