import { ConcurrencyError, TenantIsolationError } from '@bizosaas/ddd-kernel';
import type { Pool } from 'pg';
import { appendOneSql, appendSql } from './append-sql.ts';
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
  const texts = { true: appendSql(schema, true), false: appendSql(schema, false) };
  const names = { true: statementName('es_append', texts.true), false: statementName('es_append', texts.false) };
  const oneTexts = { true: appendOneSql(schema, true), false: appendOneSql(schema, false) };
  const oneNames = { true: statementName('es_append_one', oneTexts.true), false: statementName('es_append_one', oneTexts.false) };

  async function run(client: PgQueryable, input: AppendInput, autocommit: boolean): Promise<AppendResult> {
    validateAppend(input);
    if (input.events.length === 0) return { nextExpectedVersion: input.expectedVersion, positions: [] };
    const outbox = input.outbox ?? true;
    const head = [streamId(input.aggregateType, input.aggregateId), input.tenantId, input.aggregateType, input.aggregateId, input.expectedVersion];
    const single = input.events.length === 1;
    const values = single ? [...head, ...eventColumns(input.events[0]!)] : [...head, JSON.stringify(input.events)];
    if (outbox) values.push(streamKey(input.aggregateType));
    const query = single
      ? { name: oneNames[`${outbox}`], text: oneTexts[`${outbox}`], values }
      : { name: names[`${outbox}`], text: texts[`${outbox}`], values };
    const result = await client.query<{ positions: string[] }>(query).catch(conflictError(input));
    const positions = result.rows[0]!.positions;
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
  return [event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(metadata), event.occurredAt];
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
