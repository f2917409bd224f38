-- A dashboard's default date range (a preset name or {from, to}) and time zone.
ALTER TABLE "analytics"."dashboards"
    ADD COLUMN "date_range" JSONB NOT NULL DEFAULT '"last_30_days"',
    ADD COLUMN "timezone" TEXT NOT NULL DEFAULT 'UTC';

-- The report builder and the scheduler reach the reports and schedules tables as the worker role.
GRANT USAGE ON SCHEMA "analytics" TO bizosaas_worker;
