import type pg from 'pg';
import {
  lockProjection,
  readCheckpoint,
  saveCheckpoint,
  tryLockRebuild,
  unlockRebuild,
  type Checkpoint,
} from './checkpoint.ts';
import { copyLog, type CopyProgress, type CopyTarget } from './copy-log.ts';
import { createGeneration, dropGeneration, pointViews } from './generations.ts';
import { installProjection } from './install-projection.ts';
import { compareLogPositions } from './log-position.ts';
import type { AnyProjection, ProjectionTables } from './projection.ts';
import { START_CHECKPOINT, type GlobalCheckpoint } from '../store/types.ts';
import { generationTables } from './table-names.ts';
import { withTransaction } from '@bizosaas/db';

export interface RebuildOptions {
  /** Worker-role pool; the rebuild holds two of its connections. */
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly projection: AnyProjection;
  /** Log rows per page and transaction (default 10,000). */
  readonly batchSize?: number;
  /**
   * Checks the rebuilt tables against the serving ones before the swap, both at the same log
   * position (the serving tables are brought up to the rebuilt copy's position for it, in the
   * swap transaction). Throwing keeps the serving generation and drops the rebuilt one.
   */
  readonly verify?: RebuildVerifier;
}

/** See RebuildOptions.verify. */
export type RebuildVerifier = (
  client: pg.ClientBase,
  tables: { serving: ProjectionTables; rebuilt: ProjectionTables; position: GlobalCheckpoint },
) => Promise<void>;

/** Another rebuild of the projection holds its rebuild lock (one runs at a time, across replicas). */
export class RebuildRunningError extends Error {
  constructor(projection: string) {
    super(`Projection ${projection}: a rebuild is already running`);
    this.name = 'RebuildRunningError';
  }
}

export interface RebuildResult {
  /** The generation now serving. */
  readonly generation: number;
  /** Log rows read (all types) and events applied (handled types). */
  readonly read: number;
  readonly applied: number;
  readonly seconds: number;
}

/**
 * Rebuilds a projection from the start of the log into fresh tables (generation g+1) while
 * generation g keeps serving readers and the live loop keeps updating it. Once the copy has
 * caught up, one transaction pauses the live loop (the projection's lock), applies the
 * remaining tail, points the views at g+1, moves the checkpoint (generation, version,
 * position) and drops g's tables. On failure g+1 is dropped and g serves on.
 *
 * @throws RebuildRunningError when a rebuild of the projection is already running.
 */
export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, schema, projection } = options;
  const started = performance.now();
  const installed = await installProjection(pool, schema, projection);
  const writer = await pool.connect();
  const reader = await pool.connect();
  try {
    if (!(await tryLockRebuild(writer, schema, projection.name))) {
      throw new RebuildRunningError(projection.name);
    }
    try {
      const next = installed.generation + 1;
      const target: CopyTarget = {
        reader,
        writer,
        schema,
        projection,
        tables: generationTables(schema, projection, next),
        batchSize: options.batchSize ?? 10_000,
        pageTransactions: true,
      };
      const done = await copyAndSwap(target, installed, next, options.verify);
      return {
        generation: next,
        read: done.read,
        applied: done.applied,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      await unlockRebuild(writer, schema, projection.name);
    }
  } finally {
    reader.release();
    writer.release();
  }
}

async function copyAndSwap(
  target: CopyTarget,
  installed: Checkpoint,
  next: number,
  verify: RebuildVerifier | undefined,
): Promise<CopyProgress> {
  const { writer, schema, projection } = target;
  await withTransaction(writer, () => createGeneration(writer, schema, projection, next));
  try {
    const copied = await copyLog(target, { position: START_CHECKPOINT, read: 0, applied: 0 });
    return await withTransaction(writer, () => swap(target, installed, next, copied, verify));
  } catch (error) {
    await withTransaction(writer, () => dropGeneration(writer, schema, projection, next)).catch(() => {});
    throw error;
  }
}

/** The swap transaction's body (see rebuildProjection). */
async function swap(
  target: CopyTarget,
  installed: Checkpoint,
  next: number,
  copied: CopyProgress,
  verify: RebuildVerifier | undefined,
): Promise<CopyProgress> {
  const { writer, schema, projection } = target;
  await lockProjection(writer, schema, projection.name);
  const live = await readCheckpoint(writer, schema, projection.name);
  if (live?.generation !== installed.generation) {
    throw new Error(`Projection ${projection.name}: generation changed during the rebuild`);
  }
  const tail = await copyLog({ ...target, reader: writer, pageTransactions: false }, copied);
  // The snapshot horizon only moves forward, so the copy covers all the live loop applied.
  if (compareLogPositions(tail.position, live.position) < 0) {
    throw new Error(`Projection ${projection.name}: rebuild ended behind the live checkpoint`);
  }
  if (verify) {
    const serving = generationTables(schema, projection, installed.generation);
    // What the live loop would apply next, up to exactly where the copy ended (these tables are dropped below).
    const start = { position: live.position, read: 0, applied: 0 };
    await copyLog({ ...target, tables: serving, reader: writer, pageTransactions: false, until: tail.position }, start);
    await verify(writer, { serving, rebuilt: target.tables, position: tail.position });
  }
  await pointViews(writer, schema, projection, next);
  await dropGeneration(writer, schema, projection, installed.generation);
  await saveCheckpoint(writer, schema, projection.name, {
    position: tail.position,
    generation: next,
    version: projection.version,
  });
  return tail;
}
