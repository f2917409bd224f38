import { describe, expect, it } from 'vitest';
import { addTenantRls, tenantTables } from './add-tenant-rls.ts';

const createLead = `-- CreateTable
CREATE TABLE "campaign"."lead" (
    "id" UUID NOT NULL,
    "note" TEXT NOT NULL DEFAULT 'x, "tenant_id" TEXT',
    "tenant_id" UUID NOT NULL,

    CONSTRAINT "lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign"."country" (
    "code" TEXT NOT NULL,
    CONSTRAINT "country_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE INDEX "lead_tenant_id_idx" ON "campaign"."lead"("tenant_id");
`;

describe('tenantTables', () => {
  it('finds new tables with a tenant_id column, not the others', () => {
    expect(tenantTables(createLead, 'campaign')).toEqual([{ schema: 'campaign', table: 'lead' }]);
  });

  it('finds tables that gain a tenant_id column, and unqualified names', () => {
    const sql = `ALTER TABLE "segment" ADD COLUMN     "label" TEXT,\nADD COLUMN     "tenant_id" UUID NOT NULL;\nALTER TABLE "campaign"."lead" ADD CONSTRAINT "fk" FOREIGN KEY ("tenant_id") REFERENCES "campaign"."tenant"("id");`;
    expect(tenantTables(sql, 'campaign')).toEqual([{ schema: 'campaign', table: 'segment' }]);
  });

  it('refuses a tenant_id that is not UUID NOT NULL', () => {
    const sql = 'CREATE TABLE "campaign"."lead" (\n    "tenant_id" TEXT NOT NULL\n);';
    expect(() => tenantTables(sql, 'campaign')).toThrow('"campaign"."lead".tenant_id must be UUID NOT NULL');
  });
});

describe('addTenantRls', () => {
  it('appends enable, force and the tenant policy for each tenant table', () => {
    const sql = addTenantRls(createLead, 'campaign');
    expect(sql.startsWith(createLead.trimEnd())).toBe(true);
    expect(sql.slice(createLead.trimEnd().length)).toBe(`

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "campaign"."lead" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."lead" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."lead"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
`);
  });

  it('leaves SQL without tenant tables alone', () => {
    const sql = 'CREATE TABLE "campaign"."country" ("code" TEXT NOT NULL);\n';
    expect(addTenantRls(sql, 'campaign')).toBe(sql);
  });
});
