-- The event store of campaign (libs/event-store eventStoreDdl): events, snapshots, outbox, inbox,
-- projection checkpoints and external ids, in the schema "campaign_event_store". Generated; never edit an applied migration.

CREATE SCHEMA IF NOT EXISTS "campaign_event_store";

CREATE TABLE "campaign_event_store".events (
  global_position  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT pg_current_xact_id(),
  event_id         uuid NOT NULL UNIQUE,
  tenant_id        uuid NOT NULL,
  stream_id        text NOT NULL,          -- '<aggregateType>-<aggregateId>'
  aggregate_type   text NOT NULL,
  aggregate_id     uuid NOT NULL,
  version          integer NOT NULL CHECK (version >= 1),
  type             text NOT NULL,
  schema_version   integer NOT NULL,
  data             jsonb NOT NULL,
  metadata         jsonb NOT NULL,         -- correlationId, causationId, actor, and the like
  occurred_at      timestamptz NOT NULL,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version UNIQUE (stream_id, version)
);
CREATE INDEX events_commit_order ON "campaign_event_store".events (transaction_id, global_position);

ALTER TABLE "campaign_event_store".events ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".events TO bizosaas_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".events TO bizosaas_worker USING (true) WITH CHECK (true);

CREATE TABLE "campaign_event_store".snapshots (
  stream_id        text PRIMARY KEY,
  tenant_id        uuid NOT NULL,
  aggregate_type   text NOT NULL,
  version          integer NOT NULL,
  schema_version   integer NOT NULL,
  state            jsonb NOT NULL,
  taken_at         timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE "campaign_event_store".snapshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".snapshots FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".snapshots TO bizosaas_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".snapshots TO bizosaas_worker USING (true) WITH CHECK (true);

-- Written in the same transaction as the events; the relay publishes and deletes. A row of an
-- appended event points at it (event_position) instead of copying it: half the bytes written per
-- append. A message with no event row (a service that is not event-sourced) carries its envelope.
CREATE TABLE "campaign_event_store".outbox (
  position         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         uuid NOT NULL,
  tenant_id        uuid NOT NULL,
  stream_key       text NOT NULL,          -- Redis stream, e.g. bizosaas:events:{lead}
  event_position   bigint,                 -- events.global_position
  envelope         jsonb,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT outbox_event_or_envelope CHECK ((event_position IS NULL) <> (envelope IS NULL))
);

ALTER TABLE "campaign_event_store".outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".outbox TO bizosaas_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".outbox TO bizosaas_worker USING (true) WITH CHECK (true);
-- Consumers record each handled event id in the transaction of the handler's effect.
CREATE TABLE "campaign_event_store".inbox (
  consumer         text NOT NULL,
  event_id         uuid NOT NULL,
  tenant_id        uuid NOT NULL,
  processed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed ON "campaign_event_store".inbox (processed_at);

ALTER TABLE "campaign_event_store".inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".inbox TO bizosaas_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".inbox TO bizosaas_worker USING (true) WITH CHECK (true);

CREATE TABLE "campaign_event_store".projection_checkpoints (
  projection       text PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT '0',
  global_position  bigint NOT NULL DEFAULT 0,
  generation       integer NOT NULL DEFAULT 1,   -- which table set serves reads
  version          integer NOT NULL DEFAULT 1,   -- projection definition version of that table set
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Results of commands sent with an Idempotency-Key (libs/cqrs), pruned after a retention period.
-- tenant_id is null for a platform command; the policy then shows the row only without a tenant.
CREATE TABLE "campaign_event_store".idempotency_keys (
  tenant_id        uuid,
  command_type     text NOT NULL,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  result           jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_key UNIQUE NULLS NOT DISTINCT (tenant_id, command_type, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON "campaign_event_store".idempotency_keys (created_at);
ALTER TABLE "campaign_event_store".idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".idempotency_keys TO bizosaas_app
  USING (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id IS NOT DISTINCT FROM NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".idempotency_keys TO bizosaas_worker USING (true) WITH CHECK (true);

-- (source, external id) -> internal UUID, one row ever per pair (seed 004 section 10); read and
-- written by domain-repository's CRM ingestion (apps/domain-repository/src/crm-ingestion/external-ids.ts).
CREATE TABLE "campaign_event_store".external_ids (
  tenant_id        uuid NOT NULL,
  source           text NOT NULL,
  external_id      text NOT NULL,
  internal_id      uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, source, external_id)
);

ALTER TABLE "campaign_event_store".external_ids ENABLE ROW LEVEL SECURITY;
ALTER TABLE "campaign_event_store".external_ids FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "campaign_event_store".external_ids TO bizosaas_app
  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);
CREATE POLICY worker_all ON "campaign_event_store".external_ids TO bizosaas_worker USING (true) WITH CHECK (true);

-- Raises the version conflict of a failed append (see src/store/append-sql.ts).

CREATE FUNCTION "campaign_event_store".append_conflict(p_stream_id text, p_expected integer, p_events jsonb)
RETURNS text[] LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_actual integer;
BEGIN
  SELECT COALESCE(max(version), 0) INTO v_actual FROM "campaign_event_store".events
  WHERE stream_id = p_stream_id
    AND event_id <> ALL (ARRAY(SELECT (d->>'id')::uuid FROM jsonb_array_elements(p_events) AS d));
  RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, v_actual, p_expected
    USING ERRCODE = CASE WHEN v_actual = p_expected THEN 'ES404' ELSE 'ES409' END, DETAIL = v_actual::text;
END $fn$;

REVOKE ALL ON FUNCTION "campaign_event_store".append_conflict FROM PUBLIC;
GRANT EXECUTE ON FUNCTION "campaign_event_store".append_conflict TO bizosaas_app;

GRANT USAGE ON SCHEMA "campaign_event_store" TO bizosaas_app, bizosaas_worker;
GRANT SELECT, INSERT ON "campaign_event_store".events, "campaign_event_store".outbox, "campaign_event_store".inbox, "campaign_event_store".external_ids TO bizosaas_app;
GRANT SELECT, INSERT, UPDATE ON "campaign_event_store".snapshots TO bizosaas_app;
GRANT SELECT ON "campaign_event_store".events, "campaign_event_store".snapshots, "campaign_event_store".external_ids TO bizosaas_worker;
GRANT SELECT, DELETE ON "campaign_event_store".outbox TO bizosaas_worker;
-- SELECT ... FOR UPDATE needs UPDATE on some column; the relay never updates.
GRANT UPDATE (created_at) ON "campaign_event_store".outbox TO bizosaas_worker;
GRANT SELECT, INSERT, DELETE ON "campaign_event_store".inbox TO bizosaas_worker;
GRANT SELECT, INSERT ON "campaign_event_store".idempotency_keys TO bizosaas_app;
GRANT SELECT, DELETE ON "campaign_event_store".idempotency_keys TO bizosaas_worker;
GRANT SELECT, INSERT, UPDATE ON "campaign_event_store".projection_checkpoints TO bizosaas_worker;
-- The projection manager (worker) creates, owns and drops the read tables and views of each
-- projection generation, and grants the app role SELECT on them (see src/projections).
GRANT CREATE ON SCHEMA "campaign_event_store" TO bizosaas_worker;
