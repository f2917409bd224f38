-- Leads and customers as their lead.* and customer.* events describe them: what audiences and
-- funnels select from. Personal fields are stored as received, sealed (enc:v1:...) or plain; a
-- sealed or missing address cannot be mailed, which sendable_email says once for every query.
-- Scores are NUMERIC because the catalogue allows fractional 0-100 scores; version is the
-- aggregate's (a change applies only over an older one).
CREATE TABLE "campaign"."contacts" (
    "tenant_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "email" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "phone" TEXT,
    "status" TEXT NOT NULL,
    "source" TEXT,
    "score" NUMERIC,
    "utm_source" TEXT,
    "utm_medium" TEXT,
    "utm_campaign" TEXT,
    "customer_tier" TEXT,
    "churn_risk" NUMERIC,
    "timezone" TEXT,
    "sendable_email" BOOLEAN GENERATED ALWAYS AS (
        "email" IS NOT NULL AND "email" LIKE '%_@_%' AND "email" NOT LIKE 'enc:v1:%'
    ) STORED,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "contacts_pkey" PRIMARY KEY ("tenant_id", "contact_id"),
    CONSTRAINT "contacts_kind_check" CHECK ("kind" IN ('lead', 'customer')),
    CONSTRAINT "contacts_score_check" CHECK ("score" BETWEEN 0 AND 100),
    CONSTRAINT "contacts_churn_risk_check" CHECK ("churn_risk" BETWEEN 0 AND 100)
);

-- Audience filters always scope by tenant and most often by status, creation range, source,
-- UTM campaign or score; the previews sample newest first.
CREATE INDEX "contacts_tenant_status_idx" ON "campaign"."contacts" ("tenant_id", "status", "created_at" DESC);
CREATE INDEX "contacts_tenant_created_idx" ON "campaign"."contacts" ("tenant_id", "created_at" DESC, "contact_id");
CREATE INDEX "contacts_tenant_source_idx" ON "campaign"."contacts" ("tenant_id", "source");
CREATE INDEX "contacts_tenant_utm_campaign_idx" ON "campaign"."contacts" ("tenant_id", "utm_campaign");
CREATE INDEX "contacts_tenant_score_idx" ON "campaign"."contacts" ("tenant_id", "score");
CREATE INDEX "contacts_tenant_tier_idx" ON "campaign"."contacts" ("tenant_id", "customer_tier", "churn_risk")
    WHERE "kind" = 'customer';

ALTER TABLE "campaign"."contacts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."contacts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."contacts"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
-- Enrolment and dispatch read audiences of every tenant.
GRANT SELECT ON "campaign"."contacts" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "campaign"."contacts" TO bizosaas_worker USING (true) WITH CHECK (true);

-- Sales funnels: ordered stages of lead statuses over the contacts an optional audience filter
-- scopes. Stages and filter are JSON parsed by the service's schemas on the way in and out.
CREATE TABLE "campaign"."funnels" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "filter" JSONB,
    "stages" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "funnels_pkey" PRIMARY KEY ("tenant_id", "id")
);

-- The list pages newest first by (created_at, id).
CREATE INDEX "funnels_tenant_created_idx" ON "campaign"."funnels" ("tenant_id", "created_at" DESC, "id" DESC);

ALTER TABLE "campaign"."funnels" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign"."funnels" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "campaign"."funnels"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
