-- CreateTable
CREATE TABLE "integration"."tenant_data_keys" (
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_data_keys_pkey" PRIMARY KEY ("tenant_id","version")
);

-- CreateTable
CREATE TABLE "integration"."custom_providers" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "custom_providers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."connections" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "auth_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "status_reason" TEXT,
    "credentials" BYTEA NOT NULL,
    "data_key_version" INTEGER NOT NULL,
    "scopes" TEXT[],
    "access_expires_at" TIMESTAMPTZ(3),
    "refreshed_at" TIMESTAMPTZ(3),
    "external_account_id" TEXT,
    "display_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."connect_sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "state_hash" TEXT NOT NULL,
    "code_verifier" BYTEA NOT NULL,
    "data_key_version" INTEGER NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "scopes" TEXT[],
    "connection_id" UUID,
    "created_by" UUID,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "connect_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."syncs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "schedule" TEXT,
    "cursor" JSONB,
    "enabled" BOOLEAN NOT NULL,
    "last_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "syncs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."sync_runs" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "sync_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "fetched" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "lease_until" TIMESTAMPTZ(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integration"."sync_records" (
    "tenant_id" UUID NOT NULL,
    "sync_id" UUID NOT NULL,
    "external_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "last_run_id" UUID NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sync_records_pkey" PRIMARY KEY ("sync_id","external_id")
);

-- CreateTable
CREATE TABLE "integration"."webhook_events" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "connection_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tenant_data_keys_master_key_id_idx" ON "integration"."tenant_data_keys"("master_key_id");

-- CreateIndex
CREATE UNIQUE INDEX "custom_providers_tenant_id_key_key" ON "integration"."custom_providers"("tenant_id", "key");

-- CreateIndex
CREATE INDEX "connections_tenant_id_provider_idx" ON "integration"."connections"("tenant_id", "provider");

-- CreateIndex
CREATE INDEX "connections_status_access_expires_at_idx" ON "integration"."connections"("status", "access_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "connect_sessions_state_hash_key" ON "integration"."connect_sessions"("state_hash");

-- CreateIndex
CREATE UNIQUE INDEX "syncs_connection_id_model_key" ON "integration"."syncs"("connection_id", "model");

-- CreateIndex
CREATE INDEX "sync_runs_sync_id_started_at_idx" ON "integration"."sync_runs"("sync_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_connection_id_provider_event_id_key" ON "integration"."webhook_events"("connection_id", "provider_event_id");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "integration"."tenant_data_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."tenant_data_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."tenant_data_keys"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."custom_providers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."custom_providers" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."custom_providers"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."connections" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."connections" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."connections"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."connect_sessions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."connect_sessions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."connect_sessions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."syncs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."syncs" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."syncs"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."sync_runs" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."sync_runs" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."sync_runs"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."sync_records" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."sync_records" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."sync_records"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "integration"."webhook_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "integration"."webhook_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "integration"."webhook_events"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- Data keys: versions start at 1; the app role writes a version once, the worker role re-wraps
-- (new master key, same key bytes) for every tenant.
ALTER TABLE "integration"."tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_version_check" CHECK ("version" >= 1);
REVOKE UPDATE, DELETE ON "integration"."tenant_data_keys" FROM bizosaas_app;
GRANT USAGE ON SCHEMA "integration" TO bizosaas_worker;
GRANT SELECT, UPDATE ON "integration"."tenant_data_keys" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "integration"."tenant_data_keys" TO bizosaas_worker USING (true) WITH CHECK (true);

-- Work across tenants as the worker role: public webhooks find their connection (and tenant) by
-- id; the refresher finds tokens about to expire; the scheduler finds due syncs and stale runs;
-- the webhook queue finds what is left to process. Each effect then runs in its tenant's transaction.
GRANT SELECT ON "integration"."connections", "integration"."syncs" TO bizosaas_worker;
CREATE POLICY "worker_read" ON "integration"."connections" FOR SELECT TO bizosaas_worker USING (true);
CREATE POLICY "worker_read" ON "integration"."syncs" FOR SELECT TO bizosaas_worker USING (true);
GRANT SELECT, UPDATE ON "integration"."sync_runs", "integration"."webhook_events" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "integration"."sync_runs" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE POLICY "worker_all" ON "integration"."webhook_events" TO bizosaas_worker USING (true) WITH CHECK (true);
