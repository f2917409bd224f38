-- The optimisation loop's record (src/optimisation): one row per campaign_optimization analysis,
-- the chain suggestion -> change -> KPI effect under one correlation id. ai-agents runs the loop
-- and domain-repository applies the changes; this service only records what their events say.
-- The analysis's events and campaign.optimized come on different streams, in either order, so
-- each event fills its own columns and never clears another's.
CREATE TABLE "campaign"."optimisations" (
    "tenant_id" UUID NOT NULL,
    "analysis_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "correlation_id" UUID NOT NULL,
    -- ai.analysis_requested
    "requested_event_id" UUID,
    "requested_at" TIMESTAMPTZ(3),
    -- ai.analysis_completed: the suggestion
    "completed_event_id" UUID,
    "suggested_at" TIMESTAMPTZ(3),
    "goal" TEXT,
    "suggested_changes" JSONB,
    "expected_improvement_percent" NUMERIC,
    "not_applied_reason" TEXT,
    -- ai.analysis_failed (a retried analysis may still complete later)
    "failed_event_id" UUID,
    "failed_at" TIMESTAMPTZ(3),
    "error_code" TEXT,
    -- campaign.optimized naming the analysis: the change, and the campaign's KPI counts as they
    -- stood at its time ({enrolled, sent, opened, clicked, converted, spend}; spend a decimal string)
    "optimized_event_id" UUID,
    "applied_at" TIMESTAMPTZ(3),
    "applied_changes" JSONB,
    "kpis_at_change" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "optimisations_pkey" PRIMARY KEY ("tenant_id", "analysis_id"),
    CONSTRAINT "optimisations_applied" CHECK (("optimized_event_id" IS NULL) = ("applied_at" IS NULL))
);
CREATE INDEX "optimisations_campaign" ON "campaign"."optimisations" ("tenant_id", "campaign_id");

ALTER TABLE "campaign"."optimisations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."optimisations" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."optimisations"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
