-- CreateTable
CREATE TABLE "user_management"."tenants" (
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "plan" TEXT NOT NULL DEFAULT 'free',
    "billing_cycle" TEXT NOT NULL DEFAULT 'monthly',
    "settings" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "user_management"."users" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "password_hash" TEXT,
    "first_name" TEXT,
    "last_name" TEXT,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "invitation_hash" TEXT,
    "invitation_expires_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_management"."sessions" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "user_agent" TEXT,
    "ip" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_management"."refresh_tokens" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_management"."api_keys" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "permissions" TEXT[],
    "secret_hash" TEXT NOT NULL,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_management"."signing_keys" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "user_management"."plan_prices" (
    "plan" TEXT NOT NULL,
    "billing_cycle" TEXT NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "currency" TEXT NOT NULL,

    CONSTRAINT "plan_prices_pkey" PRIMARY KEY ("plan","billing_cycle")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "user_management"."tenants"("slug");

-- CreateIndex
CREATE INDEX "users_email_idx" ON "user_management"."users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "users_tenant_id_email_key" ON "user_management"."users"("tenant_id", "email");

-- CreateIndex
CREATE INDEX "sessions_tenant_id_user_id_idx" ON "user_management"."sessions"("tenant_id", "user_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "user_management"."refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_session_id_idx" ON "user_management"."refresh_tokens"("session_id");

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "user_management"."tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_management"."tenants" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_management"."tenants"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "user_management"."users" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_management"."users" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_management"."users"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "user_management"."sessions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_management"."sessions" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_management"."sessions"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "user_management"."refresh_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_management"."refresh_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_management"."refresh_tokens"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "user_management"."api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_management"."api_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "user_management"."api_keys"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- Sign-in happens before any tenant is known, but users and tenants have forced RLS. Instead of
-- giving the app role a cross-tenant policy, one SECURITY DEFINER function (owned by the migrating
-- role) returns exactly what sign-in needs for one e-mail address; the app role can call it and
-- nothing else. The owner's own SELECT policies below make it work where the owner is not a
-- superuser (FORCE RLS applies to owners too); the owner could disable RLS anyway, so they grant nothing new.
CREATE POLICY "login_lookup" ON "user_management"."users" FOR SELECT TO CURRENT_USER USING (true);
CREATE POLICY "login_lookup" ON "user_management"."tenants" FOR SELECT TO CURRENT_USER USING (true);

CREATE FUNCTION "user_management".login_candidates(p_email text)
RETURNS TABLE (user_id uuid, tenant_id uuid, tenant_name text, password_hash text, status text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
  SELECT u.id, u.tenant_id, t.name, u.password_hash, u.status
  FROM "user_management".users u JOIN "user_management".tenants t ON t.tenant_id = u.tenant_id
  WHERE u.email = lower(p_email) AND u.password_hash IS NOT NULL
  ORDER BY t.created_at
  LIMIT 20
$fn$;
REVOKE ALL ON FUNCTION "user_management".login_candidates(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "user_management".login_candidates(text) TO bizosaas_app;

-- List prices per billing cycle (USD); data, so a price change is a row update, not a deploy.
INSERT INTO "user_management"."plan_prices" (plan, billing_cycle, price, currency) VALUES
  ('free', 'monthly', 0.00, 'USD'), ('free', 'annual', 0.00, 'USD'),
  ('starter', 'monthly', 49.00, 'USD'), ('starter', 'annual', 490.00, 'USD'),
  ('professional', 'monthly', 199.00, 'USD'), ('professional', 'annual', 1990.00, 'USD'),
  ('enterprise', 'monthly', 999.00, 'USD'), ('enterprise', 'annual', 9990.00, 'USD');
