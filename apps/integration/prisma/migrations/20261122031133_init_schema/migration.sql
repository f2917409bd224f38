-- The integration service's schema. Its tables come in later migrations.
CREATE SCHEMA IF NOT EXISTS "integration";

-- Services connect as bizosaas_app: not an owner, so FORCE ROW LEVEL SECURITY applies to it.
-- The role is cluster-wide; `npm run db:migrate` creates it before any migration runs.
GRANT USAGE ON SCHEMA "integration" TO bizosaas_app;

-- Tables and sequences that the migrating role (the owner) creates here later.
ALTER DEFAULT PRIVILEGES IN SCHEMA "integration" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bizosaas_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA "integration" GRANT USAGE, SELECT ON SEQUENCES TO bizosaas_app;
