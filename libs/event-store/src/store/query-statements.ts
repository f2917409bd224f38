import type pg from 'pg';

/**
 * Sends SQL holding one or more statements (simple query protocol, no parameters) and answers
 * one result per statement, in order: pg resolves an array when there are several statements
 * and a single result for one, though its type names only the single result.
 */
export async function queryStatements<R extends pg.QueryResultRow = pg.QueryResultRow>(
  client: pg.ClientBase,
  sql: string,
): Promise<pg.QueryResult<R>[]> {
  const results: pg.QueryResult<R> | pg.QueryResult<R>[] = await client.query<R>(sql);
  return Array.isArray(results) ? results : [results];
}
