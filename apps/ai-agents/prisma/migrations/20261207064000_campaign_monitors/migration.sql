-- A launched campaign is watched: the optimisation crew runs on it again every interval while it
-- runs (seed 002: campaign launched -> monitoring -> AI optimisation -> changes applied).
CREATE TABLE "ai_agents"."campaign_monitors" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "run_group" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "correlation_id" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaign_monitors_pkey" PRIMARY KEY ("tenant_id","campaign_id")
);
CREATE INDEX "campaign_monitors_due_idx" ON "ai_agents"."campaign_monitors" ("run_group", "next_run_at") WHERE "active";

ALTER TABLE "ai_agents"."campaign_monitors" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."campaign_monitors" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."campaign_monitors"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- The runner finds due monitors of every tenant as the worker role.
GRANT SELECT, UPDATE ON "ai_agents"."campaign_monitors" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "ai_agents"."campaign_monitors" TO bizosaas_worker USING (true) WITH CHECK (true);
