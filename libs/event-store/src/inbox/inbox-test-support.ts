import { APP_ROLE } from '@bizosaas/db';
import pg from 'pg';
import type { ScratchStore } from '../outbox/test-support.ts';

/** Helpers for the inbox integration tests (not exported from the package). */

/**
 * `effects` (one row per application of an effect; deliberately no unique key, so a double
 * application shows as two rows) and `counters` (a row to hold locks on), both under RLS.
 */
export async function createEffectTables(store: ScratchStore): Promise<void> {
  const s = pg.escapeIdentifier(store.schema);
  const tenant = `NULLIF(current_setting('app.current_tenant_id', true), '')::uuid`;
  const tables = ['effects', 'counters'];
  await store.owner.query(`
    CREATE TABLE ${s}.effects (event_id uuid NOT NULL, tenant_id uuid NOT NULL, delivery integer NOT NULL);
    CREATE TABLE ${s}.counters (id integer PRIMARY KEY, tenant_id uuid NOT NULL, n integer NOT NULL DEFAULT 0);
    ${tables
      .map(
        (table) => `
      ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON ${s}.${table} TO ${APP_ROLE} USING (tenant_id = ${tenant}) WITH CHECK (tenant_id = ${tenant});
      GRANT SELECT, INSERT, UPDATE ON ${s}.${table} TO ${APP_ROLE};`,
      )
      .join('\n')}
  `);
}

/** The effect every test handler applies: one row in `effects`. */
export async function applyEffect(
  client: pg.ClientBase,
  schema: string,
  event: { id: string; tenantId: string },
  delivery: number,
) {
  await client.query(
    `INSERT INTO ${pg.escapeIdentifier(schema)}.effects (event_id, tenant_id, delivery) VALUES ($1, $2, $3)`,
    [event.id, event.tenantId, delivery],
  );
}

/** How many times the effect of each event was applied (owner view, all tenants). */
export async function effectCounts(store: ScratchStore): Promise<Map<string, number>> {
  const { rows } = await store.owner.query<{ event_id: string; n: string }>(
    `SELECT event_id, count(*) AS n FROM ${pg.escapeIdentifier(store.schema)}.effects GROUP BY event_id`,
  );
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}

export async function inboxCount(store: ScratchStore, consumer: string): Promise<number> {
  const { rows } = await store.owner.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${pg.escapeIdentifier(store.schema)}.inbox WHERE consumer = $1`,
    [consumer],
  );
  return Number(rows[0]!.n);
}
