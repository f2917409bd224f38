-- One running run per sync (starts already serialise on the sync's row lock; this makes it a constraint).
CREATE UNIQUE INDEX "sync_runs_one_running" ON "integration"."sync_runs" ("sync_id") WHERE "status" = 'running';
-- The sweeper's claim of expired leases.
CREATE INDEX "sync_runs_running_lease" ON "integration"."sync_runs" ("lease_until") WHERE "status" = 'running';
