-- A campaign's spend ledger and its pacing against the budget (src/spend). The campaign_budget
-- stream of the event store is the record; these tables are written in the same transaction.

-- One row per campaign with spend: locked FOR UPDATE by every entry, so entries of one campaign
-- (requests, redelivered syncs, replicas) are decided one after the other; version is the
-- campaign_budget stream's version, the expected version of the next append.
CREATE TABLE "campaign"."spend_budgets" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "spend_budgets_pkey" PRIMARY KEY ("tenant_id", "campaign_id")
);

-- The ledger: the last amount of each entry. An ad platform's (external campaign, day) is one
-- entry whose amount each re-sync replaces, so a day's total is the last sync, never a sum.
CREATE TABLE "campaign"."spend_entries" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "entry_id" UUID NOT NULL,
    "spend_date" DATE NOT NULL,
    "amount" NUMERIC NOT NULL CHECK ("amount" >= 0),
    "currency" CHAR(3) NOT NULL,
    "source" TEXT NOT NULL CHECK ("source" IN ('manual', 'ad_metrics')),
    "provider" TEXT,
    "external_campaign_id" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "spend_entries_pkey" PRIMARY KEY ("tenant_id", "entry_id"),
    CONSTRAINT "spend_entries_ad_link" CHECK (("source" = 'ad_metrics') = ("provider" IS NOT NULL AND "external_campaign_id" IS NOT NULL))
);
CREATE INDEX "spend_entries_campaign_date" ON "campaign"."spend_entries" ("tenant_id", "campaign_id", "spend_date");
CREATE UNIQUE INDEX "spend_entries_ad_day" ON "campaign"."spend_entries" ("tenant_id", "campaign_id", "provider", "external_campaign_id", "spend_date")
    WHERE "source" = 'ad_metrics';

-- Which ad platform campaigns feed which campaign's ledger: an external campaign feeds one.
CREATE TABLE "campaign"."ad_campaign_links" (
    "tenant_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "external_campaign_id" TEXT NOT NULL,
    "campaign_id" UUID NOT NULL,
    "linked_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ad_campaign_links_pkey" PRIMARY KEY ("tenant_id", "provider", "external_campaign_id")
);
CREATE INDEX "ad_campaign_links_campaign" ON "campaign"."ad_campaign_links" ("tenant_id", "campaign_id");

-- The pause or complete command of each cap reached, written with its pacing_limit_reached
-- event and sent to domain-repository by the pacing worker until it is done. One row per
-- (campaign, limit, period): period_key is the day (daily), the month 'YYYY-MM' (monthly) or
-- 'total'; so the completion is one row per campaign, whatever is redelivered or retried.
CREATE TABLE "campaign"."pacing_commands" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "limit_kind" TEXT NOT NULL CHECK ("limit_kind" IN ('daily', 'monthly', 'total')),
    "period_key" TEXT NOT NULL,
    "period" DATE NOT NULL,
    "action" TEXT NOT NULL CHECK ("action" IN ('pause', 'complete')),
    "event_id" UUID NOT NULL,
    "spent" NUMERIC NOT NULL,
    "cap" NUMERIC NOT NULL,
    "currency" CHAR(3) NOT NULL,
    -- pending until domain-repository answered: done (it applied or had applied it) or refused
    -- (a 404 or 422: the campaign is gone or in a state where the command no longer applies).
    "status" TEXT NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'done', 'refused')),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "pacing_commands_pkey" PRIMARY KEY ("tenant_id", "campaign_id", "limit_kind", "period_key"),
    CONSTRAINT "pacing_commands_total_completes" CHECK (("limit_kind" = 'total') = ("action" = 'complete' AND "period_key" = 'total'))
);
CREATE INDEX "pacing_commands_due" ON "campaign"."pacing_commands" ("next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "pacing_commands_recent" ON "campaign"."pacing_commands" ("tenant_id", "campaign_id", "created_at" DESC);

ALTER TABLE "campaign"."spend_budgets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."spend_budgets" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."spend_budgets"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "campaign"."spend_entries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."spend_entries" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."spend_entries"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "campaign"."ad_campaign_links" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."ad_campaign_links" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."ad_campaign_links"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "campaign"."pacing_commands" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."pacing_commands" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."pacing_commands"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- The pacing worker claims and finishes commands of every tenant.
GRANT USAGE ON SCHEMA "campaign" TO bizosaas_worker;
GRANT SELECT, UPDATE ON "campaign"."pacing_commands" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "campaign"."pacing_commands" TO bizosaas_worker USING (true) WITH CHECK (true);
