import { withTransaction } from '@bizosaas/db';
import type pg from 'pg';
import { readCheckpoint, lockProjection, type Checkpoint } from './checkpoint.ts';
import { createGeneration, pointViews } from './generations.ts';
import type { AnyProjection } from './projection.ts';
import { qualified } from './table-names.ts';

/**
 * Creates a projection's first generation (tables, views, checkpoint at the start of the log)
 * unless it exists, in one transaction; safe to run from several replicas at once. Returns the
 * checkpoint; a `version` different from the definition's means a rebuild is due.
 */
export async function installProjection(pool: pg.Pool, schema: string, projection: AnyProjection): Promise<Checkpoint> {
  const checkpoint = await withTransaction(pool, async (client) => {
    await lockProjection(client, schema, projection.name);
    const found = await readCheckpoint(client, schema, projection.name);
    if (found) return found;
    await createGeneration(client, schema, projection, 1);
    await pointViews(client, schema, projection, 1);
    await client.query(
      `INSERT INTO ${qualified(schema, 'projection_checkpoints')} (projection, generation, version) VALUES ($1, 1, $2)`,
      [projection.name, projection.version],
    );
    return readCheckpoint(client, schema, projection.name);
  });
  if (!checkpoint) throw new Error(`Projection ${projection.name}: checkpoint missing after install`);
  return checkpoint;
}
