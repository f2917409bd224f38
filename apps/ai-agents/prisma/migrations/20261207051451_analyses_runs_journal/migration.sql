-- CreateTable
CREATE TABLE "ai_agents"."tenant_data_keys" (
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rewrapped_at" TIMESTAMPTZ(3),

    CONSTRAINT "tenant_data_keys_pkey" PRIMARY KEY ("tenant_id","version")
);

-- CreateTable
CREATE TABLE "ai_agents"."agent_settings" (
    "tenant_id" UUID NOT NULL,
    "llm_base_url" TEXT,
    "llm_model" TEXT,
    "llm_api_key" BYTEA,
    "llm_api_key_data_key_version" INTEGER,
    "llm_api_key_hint" TEXT,
    "llm_timeout_ms" INTEGER,
    "prompt_price_per_million" DECIMAL(18,6),
    "completion_price_per_million" DECIMAL(18,6),
    "monthly_token_quota" BIGINT,
    "max_budget_shift_per_day" DECIMAL(18,2),
    "approval_timeout_ms" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "ai_agents"."analyses" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "analysis_type" TEXT NOT NULL,
    "subject" JSONB NOT NULL,
    "options" JSONB NOT NULL,
    "budget" JSONB NOT NULL,
    "crew" TEXT NOT NULL,
    "crew_version" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "priority" TEXT NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "causation_id" TEXT,
    "requested_by" UUID,
    "replay_of" UUID,
    "owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" JSONB,
    "steps" INTEGER NOT NULL DEFAULT 0,
    "tool_calls" INTEGER NOT NULL DEFAULT 0,
    "llm_calls" INTEGER NOT NULL DEFAULT 0,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "analyses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_agents"."analysis_steps" (
    "analysis_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "agent" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "output" JSONB NOT NULL,
    "prompt_tokens" INTEGER NOT NULL DEFAULT 0,
    "completion_tokens" INTEGER NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "duration_ms" INTEGER NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "analysis_steps_pkey" PRIMARY KEY ("analysis_id","seq")
);

-- CreateTable
CREATE TABLE "ai_agents"."approvals" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "analysis_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "agent" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "arguments" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ai_agents"."tenant_usage" (
    "tenant_id" UUID NOT NULL,
    "month" DATE NOT NULL,
    "prompt_tokens" BIGINT NOT NULL DEFAULT 0,
    "completion_tokens" BIGINT NOT NULL DEFAULT 0,
    "cost" DECIMAL(18,6) NOT NULL DEFAULT 0,
    "runs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "tenant_usage_pkey" PRIMARY KEY ("tenant_id","month")
);

-- CreateTable
CREATE TABLE "ai_agents"."lead_scoring_models" (
    "tenant_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "weights" JSONB NOT NULL,
    "samples" INTEGER NOT NULL,
    "positives" INTEGER NOT NULL,
    "trained_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lead_scoring_models_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "ai_agents"."evals" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "analysis_type" TEXT NOT NULL,
    "crew_version" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "agreed" INTEGER NOT NULL DEFAULT 0,
    "results" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "evals_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tenant_data_keys_master_key_id_idx" ON "ai_agents"."tenant_data_keys"("master_key_id");

-- CreateIndex
CREATE INDEX "analyses_tenant_id_created_at_idx" ON "ai_agents"."analyses"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "analyses_status_lease_until_idx" ON "ai_agents"."analyses"("status", "lease_until");

-- CreateIndex
CREATE INDEX "approvals_tenant_id_status_created_at_idx" ON "ai_agents"."approvals"("tenant_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "approvals_status_expires_at_idx" ON "ai_agents"."approvals"("status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "approvals_analysis_id_seq_key" ON "ai_agents"."approvals"("analysis_id", "seq");

-- CreateIndex
CREATE INDEX "evals_tenant_id_created_at_idx" ON "ai_agents"."evals"("tenant_id", "created_at" DESC);

-- Row-level security for tenant tables (added by db:create-migration, see libs/db/README.md)
ALTER TABLE "ai_agents"."tenant_data_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."tenant_data_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."tenant_data_keys"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."agent_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."agent_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."agent_settings"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."analyses" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."analyses" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."analyses"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."analysis_steps" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."analysis_steps" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."analysis_steps"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."approvals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."approvals" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."approvals"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."tenant_usage" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."tenant_usage" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."tenant_usage"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."lead_scoring_models" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."lead_scoring_models" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."lead_scoring_models"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

ALTER TABLE "ai_agents"."evals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_agents"."evals" FORCE ROW LEVEL SECURITY;
CREATE POLICY "tenant_isolation" ON "ai_agents"."evals"
    USING ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)
    WITH CHECK ("tenant_id" = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);

-- Data keys: versions start at 1; the app role writes a version once, the worker role re-wraps
-- (new master key, same key bytes) for every tenant.
ALTER TABLE "ai_agents"."tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_version_check" CHECK ("version" >= 1);
REVOKE UPDATE, DELETE ON "ai_agents"."tenant_data_keys" FROM bizosaas_app;
GRANT USAGE ON SCHEMA "ai_agents" TO bizosaas_worker;
GRANT SELECT, UPDATE ON "ai_agents"."tenant_data_keys" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "ai_agents"."tenant_data_keys" TO bizosaas_worker USING (true) WITH CHECK (true);

ALTER TABLE "ai_agents"."analyses" ADD CONSTRAINT "analyses_status_check"
    CHECK ("status" IN ('queued', 'running', 'awaiting_approval', 'completed', 'failed', 'cancelled'));
ALTER TABLE "ai_agents"."analysis_steps" ADD CONSTRAINT "analysis_steps_kind_check" CHECK ("kind" IN ('llm', 'tool', 'approval'));
ALTER TABLE "ai_agents"."analysis_steps" ADD CONSTRAINT "analysis_steps_seq_check" CHECK ("seq" >= 1);
ALTER TABLE "ai_agents"."approvals" ADD CONSTRAINT "approvals_status_check"
    CHECK ("status" IN ('pending', 'approved', 'declined', 'expired'));
-- Recorded steps are facts: a journal row is written once and never changed.
REVOKE UPDATE ON "ai_agents"."analysis_steps" FROM bizosaas_app;

-- The runner claims queued runs and takes over runs whose owner's lease ran out, across tenants,
-- as the worker role; approvals past their deadline expire the same way. Each run's work then
-- happens in its tenant's transactions.
GRANT SELECT, UPDATE ON "ai_agents"."analyses", "ai_agents"."approvals" TO bizosaas_worker;
CREATE POLICY "worker_all" ON "ai_agents"."analyses" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE POLICY "worker_all" ON "ai_agents"."approvals" TO bizosaas_worker USING (true) WITH CHECK (true);
CREATE INDEX "analyses_queued_idx" ON "ai_agents"."analyses" ("created_at") WHERE "status" = 'queued';
