-- A step of a few tokens costs millionths of a cent: costs keep ten decimal places so that the
-- sum of the steps is the cost of the run.
ALTER TABLE "ai_agents"."analyses" ALTER COLUMN "cost" TYPE DECIMAL(20,10);
ALTER TABLE "ai_agents"."analysis_steps" ALTER COLUMN "cost" TYPE DECIMAL(20,10);
ALTER TABLE "ai_agents"."tenant_usage" ALTER COLUMN "cost" TYPE DECIMAL(20,10);
