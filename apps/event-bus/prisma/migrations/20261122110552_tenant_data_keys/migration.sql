-- CreateTable
CREATE TABLE "event_bus"."tenant_data_keys" (
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_data_keys_pkey" PRIMARY KEY ("tenant_id","version")
);

-- CreateIndex
CREATE INDEX "tenant_data_keys_master_key_id_idx" ON "event_bus"."tenant_data_keys"("master_key_id");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "event_bus"."tenant_data_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "event_bus"."tenant_data_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "event_bus"."tenant_data_keys"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- Versions start at 1; a data key is never changed by the app role once written, only re-wrapped
-- (new master key, same key bytes) by the worker role for every tenant.
ALTER TABLE "event_bus"."tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_version_check" CHECK ("version" >= 1);
REVOKE UPDATE, DELETE ON "event_bus"."tenant_data_keys" FROM bizosaas_app;
GRANT SELECT, UPDATE ON "event_bus"."tenant_data_keys" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "event_bus"."tenant_data_keys" TO bizosaas_worker USING (true) WITH CHECK (true);

-- Webhook secrets (subscriptions.secret) become sealed under the master key. SQL cannot do that
-- (the key lives in the service's configuration): the service seals every plaintext `whsec_`
-- secret when it starts (src/encryption/webhook-secrets.ts) and reads both forms meanwhile.
