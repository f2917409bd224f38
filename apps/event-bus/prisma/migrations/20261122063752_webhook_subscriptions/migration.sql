-- CreateTable
CREATE TABLE "event_bus"."subscriptions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "all_tenants" BOOLEAN NOT NULL DEFAULT false,
    "event_type" TEXT NOT NULL,
    "service_name" TEXT NOT NULL,
    "webhook_url" TEXT NOT NULL,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "secret" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "failing_since" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_bus"."deliveries" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "envelope" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "replay" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_bus"."delivery_attempts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "attempted_at" TIMESTAMPTZ(3) NOT NULL,
    "status_code" INTEGER,
    "latency_ms" INTEGER NOT NULL,
    "error" TEXT,

    CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subscriptions_tenant_id_idx" ON "event_bus"."subscriptions"("tenant_id");

-- CreateIndex
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "event_bus"."deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "deliveries_tenant_id_status_idx" ON "event_bus"."deliveries"("tenant_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_subscription_id_event_id_key" ON "event_bus"."deliveries"("subscription_id", "event_id");

-- CreateIndex
CREATE INDEX "delivery_attempts_delivery_id_idx" ON "event_bus"."delivery_attempts"("delivery_id");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "event_bus"."subscriptions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "event_bus"."subscriptions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "event_bus"."subscriptions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "event_bus"."deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "event_bus"."deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "event_bus"."deliveries"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "event_bus"."delivery_attempts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "event_bus"."delivery_attempts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "event_bus"."delivery_attempts"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- The fan-out and the delivery worker act for every tenant as the worker role: they read the
-- active subscriptions, create deliveries and record attempts.
GRANT SELECT, UPDATE ON "event_bus"."subscriptions" TO bizosaas_worker;
GRANT SELECT, INSERT, UPDATE ON "event_bus"."deliveries" TO bizosaas_worker;
GRANT SELECT, INSERT ON "event_bus"."delivery_attempts" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "event_bus"."subscriptions" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE POLICY "worker_all" ON "event_bus"."deliveries" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE POLICY "worker_all" ON "event_bus"."delivery_attempts" TO bizosaas_worker USING (true) WITH CHECK (true);
