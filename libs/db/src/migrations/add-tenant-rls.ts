import { sqlStatements } from './sql-statements.ts';
import { TENANT_COLUMN, tenantRlsStatements } from './tenant-rls.ts';

const TABLE_NAME = String.raw`(?:"(?<schema>[^"]+)"\.)?"(?<table>[^"]+)"`;
const CREATE_TABLE = new RegExp(`^CREATE TABLE ${TABLE_NAME}`);
const ALTER_TABLE = new RegExp(`^ALTER TABLE ${TABLE_NAME}`);
// Prisma writes one column per line in CREATE TABLE, and `ADD COLUMN "x" TYPE` in ALTER TABLE.
const CREATED_TENANT_COLUMN = new RegExp(`^\\s+"${TENANT_COLUMN}"\\s+([^,\\n]*)`, 'm');
const ADDED_TENANT_COLUMN = new RegExp(`ADD COLUMN\\s+"${TENANT_COLUMN}"\\s+([^,\\n]*)`);

export interface TableName {
  schema: string;
  table: string;
}

/** Tables that Prisma's generated SQL creates with, or extends by, a tenant_id column. */
export function tenantTables(sql: string, defaultSchema: string): TableName[] {
  const tables: TableName[] = [];
  for (const statement of sqlStatements(sql)) {
    const created = CREATE_TABLE.exec(statement);
    const match = created ?? ALTER_TABLE.exec(statement);
    const definition = match && (created ? CREATED_TENANT_COLUMN : ADDED_TENANT_COLUMN).exec(statement);
    if (!match || !definition) continue;
    const name = { schema: match.groups!.schema ?? defaultSchema, table: match.groups!.table! };
    if (!/^UUID NOT NULL\b/i.test(definition[1]!.trim())) {
      const column = `"${name.schema}"."${name.table}".${TENANT_COLUMN}`;
      throw new Error(`${column} must be UUID NOT NULL (tenantId String @map("${TENANT_COLUMN}") @db.Uuid)`);
    }
    tables.push(name);
  }
  return tables;
}

/**
 * Appends the tenant RLS statements (tenant-rls.ts) for every new tenant table in a generated
 * migration script, so that no tenant table ships without them.
 */
export function addTenantRls(sql: string, defaultSchema: string): string {
  const tables = tenantTables(sql, defaultSchema);
  if (tables.length === 0) return sql;
  const blocks = tables.map(({ schema, table }) => tenantRlsStatements(schema, table));
  const header = '-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)';
  return `${sql.trimEnd()}\n\n${header}\n${blocks.join('\n\n')}\n`;
}
