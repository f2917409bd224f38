import pg from 'pg';
import { APP_ROLE } from '@bizosaas/db';
import type { AnyProjection } from './projection.ts';
import { generationTableName, generationTables, qualified } from './table-names.ts';

const appRole = pg.escapeIdentifier(APP_ROLE);
const TENANT = `NULLIF(current_setting('app.current_tenant_id', true), '')::uuid`;

/**
 * Creates the read tables of one generation (dropping leftovers of a rebuild that died).
 * Tables with a `tenant_id` column get row-level security and SELECT for the app role, which
 * then sees its tenant's rows only; other tables stay private to the worker role that owns them.
 */
export async function createGeneration(
  client: pg.ClientBase,
  schema: string,
  projection: AnyProjection,
  generation: number,
): Promise<void> {
  await dropGeneration(client, schema, projection, generation);
  await client.query(projection.ddl(generationTables(schema, projection, generation)));
  for (const table of await tenantScopedTables(client, schema, projection, generation)) {
    const name = qualified(schema, table);
    await client.query(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON ${name} TO ${appRole} USING (tenant_id = ${TENANT});
      GRANT SELECT ON ${name} TO ${appRole};`);
  }
}

/** Drops the read tables of one generation, if they exist. */
export async function dropGeneration(
  client: pg.ClientBase,
  schema: string,
  projection: AnyProjection,
  generation: number,
): Promise<void> {
  const tables = Object.values(generationTables(schema, projection, generation));
  await client.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
}

/**
 * Points the readers' views at one generation. Run in the swap transaction: DDL is
 * transactional, and the exclusive lock on each view makes readers wait for the commit and
 * then read the new generation, never a dropped table. `security_invoker` makes the tables'
 * row-level security apply to the reader (the app role), not to the view's owner.
 */
export async function pointViews(
  client: pg.ClientBase,
  schema: string,
  projection: AnyProjection,
  generation: number,
): Promise<void> {
  const scoped = new Set(await tenantScopedTables(client, schema, projection, generation));
  for (const table of projection.tables) {
    const view = qualified(schema, table);
    const source = generationTableName(table, generation);
    await client.query(`DROP VIEW IF EXISTS ${view};
      CREATE VIEW ${view} WITH (security_invoker = true) AS SELECT * FROM ${qualified(schema, source)};
      ${scoped.has(source) ? `GRANT SELECT ON ${view} TO ${appRole};` : ''}`);
  }
}

async function tenantScopedTables(
  client: pg.ClientBase,
  schema: string,
  projection: AnyProjection,
  generation: number,
): Promise<string[]> {
  const names = projection.tables.map((table) => generationTableName(table, generation));
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT c.relname AS table_name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[])`,
    [schema, names],
  );
  return rows.map((row) => row.table_name);
}
