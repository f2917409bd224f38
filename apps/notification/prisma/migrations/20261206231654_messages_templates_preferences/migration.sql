-- CreateTable
CREATE TABLE "notification"."templates" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "critical" BOOLEAN NOT NULL,
    "enabled_by_default" BOOLEAN NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."template_versions" (
    "template_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "critical" BOOLEAN NOT NULL,
    "enabled_by_default" BOOLEAN NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" UUID,

    CONSTRAINT "template_versions_pkey" PRIMARY KEY ("template_id","version")
);

-- CreateTable
CREATE TABLE "notification"."preferences" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "channels" JSONB NOT NULL,
    "categories" JSONB NOT NULL,
    "quiet_hours" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "preferences_pkey" PRIMARY KEY ("tenant_id","user_id")
);

-- CreateTable
CREATE TABLE "notification"."recipients" (
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "first_name" TEXT,
    "last_name" TEXT,
    "active" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "recipients_pkey" PRIMARY KEY ("tenant_id","user_id")
);

-- CreateTable
CREATE TABLE "notification"."push_subscriptions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "p256dh" TEXT NOT NULL,
    "auth" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."suppressions" (
    "tenant_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "message_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "suppressions_pkey" PRIMARY KEY ("tenant_id","channel","address")
);

-- CreateTable
CREATE TABLE "notification"."trigger_transactions" (
    "tenant_id" UUID NOT NULL,
    "transaction_id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "trigger_transactions_pkey" PRIMARY KEY ("tenant_id","transaction_id")
);

-- CreateTable
CREATE TABLE "notification"."messages" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "transaction_id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "template_version" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "critical" BOOLEAN NOT NULL,
    "user_id" UUID,
    "address" TEXT,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "digest_key" TEXT,
    "digest_message_id" UUID,
    "provider" TEXT,
    "provider_message_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "scheduled_for" TIMESTAMPTZ(3),
    "correlation_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "read_at" TIMESTAMPTZ(3),
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."message_attempts" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "provider" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "response" TEXT NOT NULL,
    "latency_ms" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "message_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."message_callbacks" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "message_callbacks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."delivery_queue" (
    "message_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "delivery_queue_pkey" PRIMARY KEY ("message_id")
);

-- CreateTable
CREATE TABLE "notification"."digests" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "recipient" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "digest_key" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "item_count" INTEGER NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "digests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."notification_rules" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "template_key" TEXT NOT NULL,
    "recipient" JSONB NOT NULL,
    "channels" TEXT[],
    "enabled" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification"."link_signing_keys" (
    "id" INTEGER NOT NULL,
    "secret" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "link_signing_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "templates_tenant_id_key_channel_locale_key" ON "notification"."templates"("tenant_id", "key", "channel", "locale");

-- CreateIndex
CREATE INDEX "push_subscriptions_tenant_id_user_id_idx" ON "notification"."push_subscriptions"("tenant_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_subscriptions_tenant_id_endpoint_key" ON "notification"."push_subscriptions"("tenant_id", "endpoint");

-- CreateIndex
CREATE INDEX "trigger_transactions_created_at_idx" ON "notification"."trigger_transactions"("created_at");

-- CreateIndex
CREATE INDEX "messages_tenant_id_transaction_id_idx" ON "notification"."messages"("tenant_id", "transaction_id");

-- CreateIndex
CREATE INDEX "messages_tenant_id_created_at_idx" ON "notification"."messages"("tenant_id", "created_at");

-- CreateIndex
CREATE INDEX "messages_tenant_id_user_id_channel_created_at_idx" ON "notification"."messages"("tenant_id", "user_id", "channel", "created_at");

-- CreateIndex
CREATE INDEX "messages_provider_provider_message_id_idx" ON "notification"."messages"("provider", "provider_message_id");

-- CreateIndex
CREATE INDEX "message_attempts_tenant_id_message_id_idx" ON "notification"."message_attempts"("tenant_id", "message_id");

-- CreateIndex
CREATE INDEX "message_callbacks_tenant_id_message_id_idx" ON "notification"."message_callbacks"("tenant_id", "message_id");

-- CreateIndex
CREATE INDEX "delivery_queue_due_at_idx" ON "notification"."delivery_queue"("due_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_rules_tenant_id_event_type_template_key_key" ON "notification"."notification_rules"("tenant_id", "event_type", "template_key");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "notification"."templates" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."templates" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."templates"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."template_versions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."template_versions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."template_versions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."preferences" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."preferences" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."preferences"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."recipients" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."recipients" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."recipients"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."push_subscriptions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."push_subscriptions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."push_subscriptions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."suppressions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."suppressions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."suppressions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."trigger_transactions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."trigger_transactions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."trigger_transactions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."messages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."messages" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."messages"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."message_attempts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."message_attempts" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."message_attempts"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."message_callbacks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."message_callbacks" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."message_callbacks"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."delivery_queue" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."delivery_queue" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."delivery_queue"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."digests" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."digests" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."digests"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "notification"."notification_rules" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "notification"."notification_rules" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "notification"."notification_rules"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- At most one open digest per tenant, recipient, channel and key: concurrent triggers of any
-- replica add to the same one (INSERT ... ON CONFLICT on this index).
CREATE UNIQUE INDEX "digests_one_open" ON "notification"."digests" ("tenant_id", "recipient", "channel", "digest_key") WHERE "closed_at" IS NULL;

-- The dispatcher claims due messages of every tenant as the worker role (it owns nothing);
-- each message is then handled in a transaction of its own tenant as bizosaas_app.
GRANT USAGE ON SCHEMA "notification" TO bizosaas_worker;
GRANT SELECT, UPDATE ON "notification"."delivery_queue" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "notification"."delivery_queue" TO bizosaas_worker USING (true) WITH CHECK (true);
-- Expired trigger transactions (the idempotency window) are pruned across tenants.
GRANT SELECT, DELETE ON "notification"."trigger_transactions" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "notification"."trigger_transactions" TO bizosaas_worker USING (true);
