import { randomUUID } from 'node:crypto';
import { withTransaction } from '@bizosaas/db';
import pg from 'pg';
import { eventStoreDdl } from '../schema/event-store-ddl.ts';
import { applyEvents } from './apply-events.ts';
import { installProjection } from './install-projection.ts';
import type { AnyProjection } from './projection.ts';
import type { LogEvent } from './read-events-after.ts';
import { generationTables, projectionViews } from './table-names.ts';

/** Where a spec builds its scratch schema: the owner creates the store's tables, the worker role projects. */
export interface ProjectionSpecOptions {
  readonly ownerDatabaseUrl: string;
  readonly workerDatabaseUrl: string;
  /** Names the scratch schema (lowercase letters, digits, underscores). */
  readonly label: string;
}

/** The read tables after the events were handled, as readers see them (the projection's views). */
export interface ProjectionRows {
  /** Rows of one view, by its logical name; `where` may use `$1..` from `params`, `orderBy` is required so results are stable. */
  rows(
    table: string,
    query: { orderBy: string; where?: string; params?: readonly unknown[] },
  ): Promise<Record<string, unknown>[]>;
}

export interface ProjectionSpec {
  /**
   * Starts a scenario on empty read tables: `given` events are handled in one batch, then each
   * `when` in a batch of its own, as the projection manager would deliver them in later batches.
   * Events are envelopes (e.g. from createEvent); passing one twice is a redelivery.
   */
  given(...events: readonly unknown[]): { when(...events: readonly unknown[]): Promise<ProjectionRows> };
  /** Ends the pools and drops the scratch schema. */
  drop(): Promise<void>;
}

/**
 * Given events / when events / then rows, for one projection against the real PostgreSQL: a
 * schema of its own (the event store's tables, the projection installed by the worker role as
 * the manager installs it), and each batch fed through the manager's apply step: envelopes as
 * stored (JSON), filtered by `handles`, parsed and upcast, applied in one transaction.
 */
export async function projectionSpec(
  projection: AnyProjection,
  options: ProjectionSpecOptions,
): Promise<ProjectionSpec> {
  const schema = `ps_${options.label}_${randomUUID().slice(0, 8)}`;
  const owner = new pg.Pool({ connectionString: options.ownerDatabaseUrl, max: 1 });
  await owner.query(eventStoreDdl(schema));
  const worker = new pg.Pool({ connectionString: options.workerDatabaseUrl, max: 2 });
  const { generation } = await installProjection(worker, schema, projection);
  const tables = generationTables(schema, projection, generation);
  const views = projectionViews(schema, projection);

  // Each handed event gets the next position of the log, as the manager's reads give them.
  let logged = 0;
  const handle = (events: readonly unknown[]) =>
    withTransaction(worker, (client) =>
      applyEvents(
        client,
        projection,
        tables,
        events.map((event) => asLogged(event, (logged += 1))),
      ),
    );
  const rows: ProjectionRows['rows'] = async (table, query) => {
    const view = views[table];
    if (view === undefined) throw new Error(`Projection ${projection.name} has no table ${table}`);
    const where = query.where === undefined ? '' : `WHERE ${query.where}`;
    const result = await worker.query<Record<string, unknown>>(
      `SELECT * FROM ${view} ${where} ORDER BY ${query.orderBy}`,
      [...(query.params ?? [])],
    );
    return result.rows;
  };

  return {
    given(...given) {
      return {
        async when(...when) {
          await worker.query(`TRUNCATE ${Object.values(tables).join(', ')}`);
          await handle(given);
          await handle(when);
          return { rows };
        },
      };
    },
    async drop() {
      await worker.end();
      await owner.query(`DROP SCHEMA "${schema}" CASCADE`);
      await owner.end();
    },
  };
}

/** An envelope as the log hands it to the projection: through JSON, as jsonb keeps it. */
function asLogged(event: unknown, position: number): LogEvent {
  const envelope = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  return { position: { transactionId: '1', globalPosition: String(position) }, type: String(envelope.type), envelope };
}
