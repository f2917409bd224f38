import type pg from 'pg';
import type { DomainEvent } from '@bizosaas/event-schemas';
import type { GlobalCheckpoint } from '../store/types.ts';

/**
 * The physical read tables of one generation, by logical name: schema-qualified, quoted and
 * suffixed with the generation (`"crm"."lead_list_g2"`). Interpolate them into SQL as they are.
 */
export type ProjectionTables<T extends string = string> = Readonly<Record<T, string>>;

/**
 * A read model fed by the event store. The manager creates its tables per generation (from
 * `ddl`), keeps a checkpoint for it, feeds it the events whose type it `handles` in commit
 * order, and rebuilds it into fresh tables on demand or when `version` changes. Readers query
 * the views named after `tables` (`"crm"."lead_list"`), which always point at the serving
 * generation.
 *
 * `apply`/`applyBatch` run inside the transaction that advances the checkpoint, so their effect
 * happens exactly once per event and projection. They should still be idempotent per event
 * (e.g. guarded by the aggregate version kept in the row): that keeps them correct when fed by
 * an at-least-once source too. Give `applyBatch` (multi-row statements) for fast rebuilds;
 * without it events are applied one by one with `apply`.
 */
export interface Projection<E = DomainEvent, T extends string = string> {
  /** Unique in the schema; snake_case. Keys the checkpoint. */
  readonly name: string;
  /** Bump when `ddl` or the apply logic changes: the manager then rebuilds the projection. */
  readonly version: number;
  /** Logical names of the read tables (snake_case); each becomes a view readers query. */
  readonly tables: readonly T[];
  /** Event types fed to the projection, or a predicate on the type. */
  readonly handles: readonly string[] | ((type: string) => boolean);
  /**
   * Turns a stored envelope into `E` (validation + upcasting). Default: `parseEvent`. Gets the
   * event's place in the log too, for read models that keep it (e.g. to answer "as of" a position).
   */
  readonly parse?: (raw: unknown, position: GlobalCheckpoint) => E;
  /**
   * DDL creating the read tables of one generation. A column `tenant_id uuid` makes the table
   * readable by the app role, restricted to its tenant by row-level security.
   */
  ddl(tables: ProjectionTables<T>): string;
  apply?(client: pg.ClientBase, event: E, tables: ProjectionTables<T>): Promise<void>;
  applyBatch?(client: pg.ClientBase, events: readonly E[], tables: ProjectionTables<T>): Promise<void>;
}

/** Any projection, whatever its event and table types (what the manager accepts). */
export type AnyProjection = Projection<unknown, string>;

// Room for the generation suffix (`_g123`) within PostgreSQL's 63-byte identifiers.
const NAME = /^[a-z][a-z0-9_]{0,47}$/;
const STORE_TABLES = new Set(['events', 'snapshots', 'outbox', 'inbox', 'projection_checkpoints', 'external_ids']);

/**
 * Checks a projection definition (names, version, an apply function) and returns it unchanged.
 *
 * @throws Error naming the first problem found.
 */
export function defineProjection<E, T extends string>(projection: Projection<E, T>): Projection<E, T> {
  if (!NAME.test(projection.name)) throw new Error(`Bad projection name: ${projection.name}`);
  if (!Number.isInteger(projection.version) || projection.version < 1) {
    throw new Error(`Projection ${projection.name}: version must be an integer >= 1`);
  }
  if (projection.tables.length === 0) throw new Error(`Projection ${projection.name}: no tables`);
  for (const table of projection.tables) {
    if (!NAME.test(table) || STORE_TABLES.has(table))
      throw new Error(`Projection ${projection.name}: bad table name ${table}`);
  }
  if (!projection.apply && !projection.applyBatch) {
    throw new Error(`Projection ${projection.name}: give apply or applyBatch`);
  }
  return projection;
}

/** Whether the projection is fed events of this type. */
export function handlesType(projection: AnyProjection, type: string): boolean {
  return typeof projection.handles === 'function' ? projection.handles(type) : projection.handles.includes(type);
}
