-- Runners claim only analyses of their group: one group per deployment (RUN_GROUP), so a
-- deployment's runners never take another's runs from a shared database.
ALTER TABLE "ai_agents"."analyses" ADD COLUMN "run_group" TEXT NOT NULL DEFAULT 'default';
DROP INDEX "ai_agents"."analyses_queued_idx";
CREATE INDEX "analyses_queued_idx" ON "ai_agents"."analyses" ("run_group", "created_at") WHERE "status" = 'queued';
