-- The campaigns as domain-repository's campaign.* events describe them (a read model: this
-- service never writes the Campaign aggregate). Budgets are decimal; version is the aggregate's.
CREATE TABLE "campaign"."campaigns" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "campaign_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "channels" TEXT[] NOT NULL,
    "total_budget" NUMERIC NOT NULL,
    "daily_budget" NUMERIC,
    "currency" CHAR(3) NOT NULL,
    "start_date" TIMESTAMPTZ(3) NOT NULL,
    "end_date" TIMESTAMPTZ(3),
    "optimization_goal" TEXT,
    "launched_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("tenant_id", "campaign_id")
);

ALTER TABLE "campaign"."campaigns" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."campaigns" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."campaigns"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
-- Workers (dispatcher, pacing) read campaigns of every tenant.
GRANT SELECT ON "campaign"."campaigns" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "campaign"."campaigns" TO bizosaas_worker USING (true) WITH CHECK (true);
