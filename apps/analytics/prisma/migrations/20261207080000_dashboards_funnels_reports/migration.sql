-- Saved funnels, dashboards with their tiles, and reports built in the background (with their
-- schedules). Tenant tables under forced row-level security; the report builder and the
-- scheduler work across tenants as the worker role.
CREATE TABLE "analytics"."funnels" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "funnels_pkey" PRIMARY KEY ("tenant_id", "id")
);

ALTER TABLE "analytics"."funnels" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "analytics"."funnels" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "analytics"."funnels"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

CREATE TABLE "analytics"."dashboards" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "dashboards_pkey" PRIMARY KEY ("tenant_id", "id")
);

ALTER TABLE "analytics"."dashboards" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "analytics"."dashboards" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "analytics"."dashboards"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

CREATE TABLE "analytics"."dashboard_tiles" (
    "tenant_id" UUID NOT NULL,
    "dashboard_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    CONSTRAINT "dashboard_tiles_pkey" PRIMARY KEY ("tenant_id", "dashboard_id", "id"),
    CONSTRAINT "dashboard_tiles_dashboard_fkey" FOREIGN KEY ("tenant_id", "dashboard_id")
        REFERENCES "analytics"."dashboards" ("tenant_id", "id") ON DELETE CASCADE
);

ALTER TABLE "analytics"."dashboard_tiles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "analytics"."dashboard_tiles" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "analytics"."dashboard_tiles"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

CREATE TABLE "analytics"."report_schedules" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "next_run_at" TIMESTAMPTZ(3),
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "report_schedules_pkey" PRIMARY KEY ("tenant_id", "id")
);
CREATE INDEX "report_schedules_due_idx" ON "analytics"."report_schedules" ("next_run_at") WHERE "active";

ALTER TABLE "analytics"."report_schedules" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "analytics"."report_schedules" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "analytics"."report_schedules"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, UPDATE ON "analytics"."report_schedules" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "analytics"."report_schedules" TO bizosaas_worker USING (true) WITH CHECK (true);

CREATE TABLE "analytics"."reports" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "schedule_id" UUID,
    "requested_by" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lease_until" TIMESTAMPTZ(3),
    "rows" INTEGER,
    "as_of_position" TEXT,
    "csv" BYTEA,
    "chart_svg" TEXT,
    "error" JSONB,
    "correlation_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "reports_pkey" PRIMARY KEY ("tenant_id", "id"),
    CONSTRAINT "reports_status_check" CHECK ("status" IN ('queued', 'building', 'ready', 'failed'))
);
CREATE INDEX "reports_queue_idx" ON "analytics"."reports" ("created_at") WHERE "status" IN ('queued', 'building');
CREATE INDEX "reports_list_idx" ON "analytics"."reports" ("tenant_id", "created_at" DESC, "id");

ALTER TABLE "analytics"."reports" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "analytics"."reports" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "analytics"."reports"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
GRANT SELECT, UPDATE ON "analytics"."reports" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "analytics"."reports" TO bizosaas_worker USING (true) WITH CHECK (true);
-- The scheduler queues a schedule's report as the worker role.
GRANT INSERT ON "analytics"."reports" TO bizosaas_worker;
