/** The column that marks a tenant table, and the setting `withTenant` fills per transaction. */
export const TENANT_COLUMN = 'tenant_id';
export const TENANT_SETTING = 'app.current_tenant_id';

// NULLIF: after a SET LOCAL transaction a pooled connection reads the setting as '' (not NULL),
// and ''::uuid would raise instead of matching nothing.
const CURRENT_TENANT = `NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid`;

/**
 * The RLS statements every tenant table gets: enabled, forced (so the table owner is bound
 * too), one policy for reads and writes keyed on the transaction's tenant.
 */
export function tenantRlsStatements(schema: string, table: string): string {
  const name = `"${schema}"."${table}"`;
  return [
    `ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY "tenant_isolation" ON ${name}`,
    `    USING ("${TENANT_COLUMN}" = ${CURRENT_TENANT})`,
    `    WITH CHECK ("${TENANT_COLUMN}" = ${CURRENT_TENANT});`,
  ].join('\n');
}
