-- Plans, executions (the projection of each campaign_execution stream), enrolments with their
-- due times (the durable timers), sends (one row per enrolment key: campaign, step, recipient)
-- and each tenant's frequency cap. Tenant tables under forced row-level security; the dispatcher
-- claims due enrolments of every tenant as the worker role.

CREATE TABLE "campaign"."plans" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "audience" JSONB NOT NULL,
    "steps" JSONB NOT NULL,
    "send_rate_per_minute" INTEGER,
    "frozen_at" TIMESTAMPTZ(3),
    -- The launch that froze the plan: every send's event continues its correlation.
    "launch_event_id" UUID,
    "correlation_id" UUID,
    "updated_by" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "plans_pkey" PRIMARY KEY ("tenant_id", "campaign_id")
);

CREATE TABLE "campaign"."executions" (
    "tenant_id" UUID NOT NULL,
    "execution_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "plan_version" INTEGER NOT NULL,
    "audience_size" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "executions_pkey" PRIMARY KEY ("tenant_id", "execution_id")
);
CREATE UNIQUE INDEX "executions_campaign_channel" ON "campaign"."executions" ("tenant_id", "campaign_id", "channel");

-- status: active (due_at is its next step's time) | done | skipped (never entered) | stopped (campaign ended).
CREATE TABLE "campaign"."enrolments" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "enrolment_id" UUID NOT NULL,
    "contact_kind" TEXT NOT NULL,
    "variant" TEXT,
    "step_index" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "due_at" TIMESTAMPTZ(3),
    "lease_until" TIMESTAMPTZ(3),
    "stream_version" INTEGER NOT NULL,
    "enrolled_at" TIMESTAMPTZ(3) NOT NULL,
    "converted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "enrolments_pkey" PRIMARY KEY ("tenant_id", "campaign_id", "contact_id")
);
CREATE INDEX "enrolments_due" ON "campaign"."enrolments" ("tenant_id", "campaign_id", "due_at") WHERE "status" = 'active';
CREATE INDEX "enrolments_contact" ON "campaign"."enrolments" ("tenant_id", "contact_id", "enrolled_at");

-- One row per (campaign, step, recipient): reserved before the call to notification (the
-- frequency cap counts it), accepted once notification answered; the transaction id is the key.
CREATE TABLE "campaign"."sends" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "contact_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "variant" TEXT,
    "marketing" BOOLEAN NOT NULL,
    "state" TEXT NOT NULL,
    "message_id" UUID,
    "message_status" TEXT,
    "reserved_at" TIMESTAMPTZ(3) NOT NULL,
    "accepted_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "opened_at" TIMESTAMPTZ(3),
    "clicked_at" TIMESTAMPTZ(3),
    "bounced_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    CONSTRAINT "sends_pkey" PRIMARY KEY ("tenant_id", "campaign_id", "step_id", "contact_id")
);
CREATE INDEX "sends_contact_window" ON "campaign"."sends" ("tenant_id", "contact_id", "reserved_at") WHERE "marketing";
CREATE UNIQUE INDEX "sends_message" ON "campaign"."sends" ("tenant_id", "message_id");

-- Recipients who did not get a step, and why (capped, suppressed, no_address, left_audience, reentry).
CREATE TABLE "campaign"."skips" (
    "tenant_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "step_id" TEXT NOT NULL,
    "contact_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "skips_pkey" PRIMARY KEY ("tenant_id", "campaign_id", "step_id", "contact_id")
);

CREATE TABLE "campaign"."frequency_caps" (
    "tenant_id" UUID NOT NULL,
    "max_messages" INTEGER NOT NULL,
    "window_days" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "frequency_caps_pkey" PRIMARY KEY ("tenant_id")
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['plans', 'executions', 'enrolments', 'sends', 'skips', 'frequency_caps'] LOOP
    EXECUTE format('ALTER TABLE "campaign".%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE "campaign".%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY "tenant_isolation" ON "campaign".%I
      USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
      WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- The dispatcher claims due enrolments across tenants and reads what it needs to decide.
GRANT SELECT, UPDATE ON "campaign"."enrolments" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "campaign"."enrolments" TO bizosaas_worker USING (true) WITH CHECK (true);
GRANT SELECT ON "campaign"."executions", "campaign"."plans" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "campaign"."executions" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE POLICY "worker_all" ON "campaign"."plans" TO bizosaas_worker USING (true) WITH CHECK (true);
