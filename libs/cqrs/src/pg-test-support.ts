import { randomUUID } from 'node:crypto';
import { ConcurrencyError } from '@bizosaas/ddd-kernel';
import pg from 'pg';
import { inject } from 'vitest';
import type { EventStorePort } from './decider/event-store-port.ts';

/** Helpers for this lib's PostgreSQL tests (not exported from the package). */

export interface ScratchTables {
  schema: string;
  /** Connected as the app role (not owner, no BYPASSRLS), as request handling is. */
  app: pg.Pool;
  drop(): Promise<void>;
}

/**
 * A schema of its own with a minimal stream table (unique stream_id + version, as the event
 * store's) and a plain `counters` table, created by the owner and granted to the app role.
 */
export async function scratchTables(label: string, poolMax = 5): Promise<ScratchTables> {
  const schema = `cqrs_${label}_${randomUUID().slice(0, 8)}`;
  const appUrl = inject('appDatabaseUrl');
  const appRole = new URL(appUrl).username;
  const owner = new pg.Pool({ connectionString: inject('ownerDatabaseUrl'), max: 1 });
  await owner.query(`
    CREATE SCHEMA "${schema}";
    CREATE TABLE "${schema}".stream_events (
      stream_id text NOT NULL, version integer NOT NULL CHECK (version >= 1), data jsonb NOT NULL,
      PRIMARY KEY (stream_id, version));
    CREATE TABLE "${schema}".counters (id integer PRIMARY KEY, value integer NOT NULL);
    INSERT INTO "${schema}".counters VALUES (1, 0), (2, 0);
    GRANT USAGE ON SCHEMA "${schema}" TO ${appRole};
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA "${schema}" TO ${appRole};`);
  const app = new pg.Pool({ connectionString: appUrl, max: poolMax });
  return {
    schema,
    app,
    async drop() {
      await app.end();
      await owner.query(`DROP SCHEMA "${schema}" CASCADE`);
      await owner.end();
    },
  };
}

export type Isolation = 'READ COMMITTED' | 'SERIALIZABLE';

/** Runs `work` in one transaction on one pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, isolation: Isolation, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The EventStorePort over the scratch stream table, as a real store does it: the append inserts
 * at expectedVersion + 1.. and, when a racing writer took a version first, reports
 * ConcurrencyError(expected, actual).
 */
export function pgStreams<S, E>(client: pg.ClientBase, schema: string): EventStorePort<string, S, E> {
  const table = `"${schema}".stream_events`;
  return {
    async load(key) {
      const { rows } = await client.query<{ data: E }>(`SELECT data FROM ${table} WHERE stream_id = $1 ORDER BY version`, [key]);
      return { version: rows.length, events: rows.map((row) => row.data) };
    },
    async append(key, expectedVersion, events) {
      const inserted = await client.query(
        `INSERT INTO ${table} (stream_id, version, data)
         SELECT $1, $2::int + ordinality, data FROM unnest($3::jsonb[]) WITH ORDINALITY AS e(data, ordinality)
         ON CONFLICT DO NOTHING`,
        [key, expectedVersion, events.map((event) => JSON.stringify(event))],
      );
      if (inserted.rowCount !== events.length) {
        const { rows } = await client.query<{ version: number }>(`SELECT coalesce(max(version), 0) AS version FROM ${table} WHERE stream_id = $1`, [key]);
        throw new ConcurrencyError(expectedVersion, rows[0]?.version ?? 0);
      }
      return { nextExpectedVersion: expectedVersion + events.length };
    },
  };
}
