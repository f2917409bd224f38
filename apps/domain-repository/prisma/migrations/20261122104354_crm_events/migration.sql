-- CreateTable
CREATE TABLE "domain_repository"."crm_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "external_event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "change_type" TEXT NOT NULL,
    "external_ids" TEXT[],
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "outcome" JSONB,
    "processed_at" TIMESTAMPTZ(3),
    "changes" JSONB NOT NULL,

    CONSTRAINT "crm_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "crm_events_tenant_id_received_at_idx" ON "domain_repository"."crm_events"("tenant_id", "received_at");

-- CreateIndex
CREATE INDEX "crm_events_status_received_at_idx" ON "domain_repository"."crm_events"("status", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "crm_events_tenant_id_provider_external_event_id_key" ON "domain_repository"."crm_events"("tenant_id", "provider", "external_event_id");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "domain_repository"."crm_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "domain_repository"."crm_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "domain_repository"."crm_events"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- The sweeper (src/crm-ingestion/crm-sweeper.ts) re-queues every tenant's notifications that were
-- stored but never queued, as the worker role.
GRANT USAGE ON SCHEMA "domain_repository" TO bizosaas_worker;
GRANT SELECT ON "domain_repository"."crm_events" TO bizosaas_worker;
CREATE POLICY "worker_read" ON "domain_repository"."crm_events" FOR SELECT TO bizosaas_worker USING (true);
