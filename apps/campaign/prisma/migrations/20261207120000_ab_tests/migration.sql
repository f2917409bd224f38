-- The decision of each A/B send step: one row per (campaign, step), written in the same
-- transaction as its campaign.ab_winner_selected, so the winner is chosen and announced once.
-- `variants` keeps the counts the decision saw ([{variant, recipients, successes, rate}]).

CREATE TABLE "campaign"."ab_winners" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "winner" TEXT NOT NULL,
    "variants" JSONB NOT NULL,
    -- A probability, not an amount: a double is exact enough.
    "p_value" DOUBLE PRECISION NOT NULL,
    "event_id" UUID NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ab_winners_pkey" PRIMARY KEY ("tenant_id", "campaign_id", "step_id")
);

ALTER TABLE "campaign"."ab_winners" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."ab_winners" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."ab_winners"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- The dispatcher looks across tenants for running A/B tests still without a winner.
GRANT SELECT ON "campaign"."ab_winners" TO bizosaas_worker;
CREATE POLICY "worker_read" ON "campaign"."ab_winners" FOR SELECT TO bizosaas_worker USING (true);
