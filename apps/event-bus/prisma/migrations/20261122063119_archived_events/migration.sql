-- CreateTable
CREATE TABLE "event_bus"."archived_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" UUID NOT NULL,
    "aggregate_version" INTEGER NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "causation_id" TEXT,
    "envelope" JSONB NOT NULL,
    "stream" TEXT NOT NULL,
    "stream_entry_id" TEXT NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "archived_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "archived_events_tenant_id_occurred_at_id_idx" ON "event_bus"."archived_events"("tenant_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "archived_events_tenant_id_correlation_id_idx" ON "event_bus"."archived_events"("tenant_id", "correlation_id");

-- CreateIndex
CREATE INDEX "archived_events_tenant_id_aggregate_id_occurred_at_idx" ON "event_bus"."archived_events"("tenant_id", "aggregate_id", "occurred_at");

-- CreateIndex
CREATE INDEX "archived_events_occurred_at_idx" ON "event_bus"."archived_events"("occurred_at");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "event_bus"."archived_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "event_bus"."archived_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "event_bus"."archived_events"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- Retention (src/archive/archive-retention.ts) deletes expired events of every tenant as the
-- worker role (created by db:migrate like bizosaas_app; it owns nothing).
GRANT USAGE ON SCHEMA "event_bus" TO bizosaas_worker;
GRANT SELECT, DELETE ON "event_bus"."archived_events" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "event_bus"."archived_events" TO bizosaas_worker USING (true);
