-- CreateTable
CREATE TABLE "domain_repository"."lead_scoring_policies" (
    "tenant_id" UUID NOT NULL,
    "qualify_threshold" INTEGER NOT NULL,
    "auto_qualify" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" UUID NOT NULL,

    CONSTRAINT "lead_scoring_policies_pkey" PRIMARY KEY ("tenant_id")
);

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "domain_repository"."lead_scoring_policies" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "domain_repository"."lead_scoring_policies" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "domain_repository"."lead_scoring_policies"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- A score is 0-100, so is a threshold (the API refuses others first).
ALTER TABLE "domain_repository"."lead_scoring_policies"
    ADD CONSTRAINT "lead_scoring_policies_threshold" CHECK ("qualify_threshold" BETWEEN 0 AND 100);
