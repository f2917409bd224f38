import { ConcurrencyError, TenantIsolationError } from '@bizosaas/ddd-kernel';
import type { Pool } from 'pg';
import { appendConflictSql, appendOneSql, appendSql } from './append-sql.ts';
import { statementName } from './sql-names.ts';
import { streamId } from './stream-id.ts';
import type { AppendInput, AppendResult, PgClient, PgQueryable } from './types.ts';
import { validateAppend } from './validate-append.ts';

export interface AppendConfig {
  /** Quoted schema name. */
  schema: string;
  streamKey: (aggregateType: string) => string;
  /** Told about every append that wrote outbox rows; `committed` says whether they are committed yet. */
  onOutboxWritten: (client: PgQueryable, committed: boolean) => void;
}

/**
 * Builds the two appends of one store, both the one prepared statement of append-sql.ts:
 * `append` inside the caller's transaction, and `appendInOwnTransaction` autocommitted on any
 * pooled connection (the statement sets the tenant for itself). An empty batch is a no-op that
 * does not check the version. Both need READ COMMITTED (the default).
 */
export function createAppend({ schema, streamKey, onOutboxWritten }: AppendConfig) {
  // One prepared statement per shape: one event or several, with or without the outbox rows,
  // a new stream or an existing one (see append-sql.ts for why their guards differ).
  const statements = new Map<string, { name: string; text: string }>();
  for (const single of [true, false]) {
    for (const outbox of [true, false]) {
      for (const newStream of [true, false]) {
        const text = single ? appendOneSql(schema, outbox, newStream) : appendSql(schema, outbox, newStream);
        statements.set(`${single}|${outbox}|${newStream}`, {
          name: statementName(single ? 'es_append_one' : 'es_append', text),
          text,
        });
      }
    }
  }
  const conflictSql = appendConflictSql(schema);
  /** A failed guard or a lost race: append_conflict reads the winner's version, or finds another tenant's stream. Nothing of ours was written. */
  async function conflict(client: PgQueryable, input: AppendInput): Promise<never> {
    await client
      .query(conflictSql, [streamId(input.aggregateType, input.aggregateId), input.tenantId, input.expectedVersion])
      .catch(conflictError(input));
    throw new Error(`append_conflict returned for ${input.aggregateType}-${input.aggregateId}`); // it always raises
  }

  async function run(client: PgQueryable, input: AppendInput, autocommit: boolean): Promise<AppendResult> {
    validateAppend(input);
    if (input.events.length === 0) return { nextExpectedVersion: input.expectedVersion, positions: [] };
    const outbox = input.outbox ?? true;
    const head = [
      streamId(input.aggregateType, input.aggregateId),
      input.tenantId,
      input.aggregateType,
      input.aggregateId,
      input.expectedVersion,
    ];
    const single = input.events.length === 1;
    const values = single ? [...head, ...eventColumns(input.events[0]!)] : [...head, JSON.stringify(input.events)];
    if (outbox) values.push(streamKey(input.aggregateType));
    const statement = statements.get(`${single}|${outbox}|${input.expectedVersion === 0}`)!;
    const { rows } = await client
      .query<{ position: string }>({ ...statement, values })
      .catch(async (error: unknown) => {
        if (!isVersionClash(error)) return conflictError(input)(error);
        // A racing writer got to a version of ours first (append-sql.ts). Out of a transaction the
        // statement is gone, so ask append_conflict where the winner got to; inside one the
        // transaction is aborted, and the clashing version is what can be told (the winner's first).
        if (autocommit) return conflict(client, input);
        throw new ConcurrencyError(input.expectedVersion, clashVersion(error, input.expectedVersion));
      });
    if (rows.length !== input.events.length) await conflict(client, input);
    const positions = rows.map((row) => row.position);
    if (outbox) onOutboxWritten(client, autocommit);
    return { nextExpectedVersion: input.expectedVersion + positions.length, positions };
  }

  return {
    append: (client: PgClient, input: AppendInput) => run(client, input, false),
    appendInOwnTransaction: (pool: Pool | PgClient, input: AppendInput) => run(pool, input, true),
  };
}

/** One envelope as appendOneSql's $6..$11; metadata as appendSql builds it in SQL. */
function eventColumns(event: AppendInput['events'][number]): unknown[] {
  const { correlationId, causationId, actor } = event;
  const metadata = { ...event.metadata, correlationId: correlationId ?? null, causationId: causationId ?? null, actor };
  return [
    event.id,
    event.type,
    event.schemaVersion,
    JSON.stringify(event.data),
    JSON.stringify(metadata),
    event.occurredAt,
  ];
}

/** append_conflict's SQLSTATEs as kernel errors; DETAIL carries the winner's version. */
function conflictError(input: AppendInput) {
  return (error: unknown): never => {
    const { code, detail } = error as { code?: string; detail?: string };
    if (code === 'ES409') throw new ConcurrencyError(input.expectedVersion, Number(detail));
    if (code === 'ES404') throw new TenantIsolationError(input.tenantId);
    throw error;
  };
}

/** A unique violation of (stream_id, version): another writer's event holds a version of ours. */
const isVersionClash = (error: unknown) =>
  (error as { code?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'events_stream_version';

/** The version in the violation's DETAIL, `Key (stream_id, version)=(lead-..., 7) already exists.` */
function clashVersion(error: unknown, expected: number): number {
  const version = Number(/, (\d+)\)/.exec((error as { detail?: string }).detail ?? '')?.[1]);
  return Number.isInteger(version) && version > expected ? version : expected + 1;
}
