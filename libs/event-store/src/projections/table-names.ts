import pg from 'pg';
import type { AnyProjection, ProjectionTables } from './projection.ts';

/** Quoted `"schema"."name"`. Names are checked by eventStoreDdl / defineProjection. */
export const qualified = (schema: string, name: string): string =>
  `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

/** The unqualified physical name of a logical table in one generation: `lead_list_g2`. */
export const generationTableName = (table: string, generation: number): string => `${table}_g${generation}`;

/** The physical tables of one generation, as handed to `ddl` and `apply`. */
export function generationTables(schema: string, projection: AnyProjection, generation: number): ProjectionTables {
  return Object.fromEntries(
    projection.tables.map((table) => [table, qualified(schema, generationTableName(table, generation))]),
  );
}

/**
 * The views readers query (`"crm"."lead_list"`), by logical name. They always select from the
 * serving generation; the swap replaces them in the transaction that switches generations.
 */
export function projectionViews<T extends string>(
  schema: string,
  projection: { readonly tables: readonly T[] },
): ProjectionTables<T> {
  return Object.fromEntries(projection.tables.map((table) => [table, qualified(schema, table)])) as ProjectionTables<T>;
}
