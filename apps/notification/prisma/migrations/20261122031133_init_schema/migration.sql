-- The notification service's schema. Its tables come in later migrations.
CREATE SCHEMA IF NOT EXISTS "notification";

-- Services connect as bizosaas_app: not an owner, so FORCE ROW LEVEL SECURITY applies to it.
-- The role is cluster-wide; `npm run db:migrate` creates it before any migration runs.
GRANT USAGE ON SCHEMA "notification" TO bizosaas_app;

-- Tables and sequences that the migrating role (the owner) creates here later.
ALTER DEFAULT PRIVILEGES IN SCHEMA "notification" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bizosaas_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA "notification" GRANT USAGE, SELECT ON SEQUENCES TO bizosaas_app;
