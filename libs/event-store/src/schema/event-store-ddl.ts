import { APP_ROLE, WORKER_ROLE } from '@bizosaas/db';
import { appendConflictFunctionDdl } from '../store/append-function-ddl.ts';

/**
 * The LISTEN/NOTIFY channel on which commits of `<schema>.outbox` rows are announced (by the
 * writer after its commit: createOutboxNotifier). Channel names are identifiers: at most 63 bytes.
 */
export function outboxChannel(schema: string): string {
  const channel = `${schema}_outbox`;
  if (channel.length > 63) throw new Error(`Schema name too long for the outbox channel: ${schema}`);
  return channel;
}

/**
 * The tables of the event-sourcing engine, created in the schema of each write service (the
 * service's migration includes this SQL). Two roles use them:
 * - the app role (request handling) sees and writes only its tenant's rows (FORCE RLS);
 * - the worker role (outbox relay, projection manager, read-all) reads across tenants through
 *   policies granted to it alone; it owns nothing and cannot bypass RLS elsewhere.
 *
 * Ordering: `global_position` is assigned at insert, but transactions commit in any order. Each
 * row records its writer's transaction id (`xid8`); readers of the global log only return rows
 * whose transaction is older than the oldest still running (`pg_snapshot_xmin`), in
 * (transaction_id, global_position) order, so an event that commits late is never skipped.
 */
export function eventStoreDdl(schema: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Bad schema name: ${schema}`);
  const s = `"${schema}"`;
  const tenant = `NULLIF(current_setting('app.current_tenant_id', true), '')::uuid`;
  const tenantPolicy = (table: string) => `
ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.${table} FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ${s}.${table} TO ${APP_ROLE}
  USING (tenant_id = ${tenant}) WITH CHECK (tenant_id = ${tenant});
CREATE POLICY worker_all ON ${s}.${table} TO ${WORKER_ROLE} USING (true) WITH CHECK (true);`;

  return `
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE ${s}.events (
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
CREATE INDEX events_commit_order ON ${s}.events (transaction_id, global_position);
${tenantPolicy('events')}

CREATE TABLE ${s}.snapshots (
  stream_id        text PRIMARY KEY,
  tenant_id        uuid NOT NULL,
  aggregate_type   text NOT NULL,
  version          integer NOT NULL,
  schema_version   integer NOT NULL,
  state            jsonb NOT NULL,
  taken_at         timestamptz NOT NULL DEFAULT now()
);
${tenantPolicy('snapshots')}

-- Written in the same transaction as the events; the relay publishes and deletes. A row of an
-- appended event points at it (event_position) instead of copying it: half the bytes written per
-- append. A message with no event row (a service that is not event-sourced) carries its envelope.
CREATE TABLE ${s}.outbox (
  position         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         uuid NOT NULL,
  tenant_id        uuid NOT NULL,
  stream_key       text NOT NULL,          -- Redis stream, e.g. bizosaas:events:{lead}
  event_position   bigint,                 -- events.global_position
  envelope         jsonb,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT outbox_event_or_envelope CHECK ((event_position IS NULL) <> (envelope IS NULL))
);
${tenantPolicy('outbox')}
-- Consumers record each handled event id in the transaction of the handler's effect.
CREATE TABLE ${s}.inbox (
  consumer         text NOT NULL,
  event_id         uuid NOT NULL,
  tenant_id        uuid NOT NULL,
  processed_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX inbox_processed ON ${s}.inbox (processed_at);
${tenantPolicy('inbox')}

CREATE TABLE ${s}.projection_checkpoints (
  projection       text PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT '0',
  global_position  bigint NOT NULL DEFAULT 0,
  generation       integer NOT NULL DEFAULT 1,   -- which table set serves reads
  version          integer NOT NULL DEFAULT 1,   -- projection definition version of that table set
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Results of commands sent with an Idempotency-Key (libs/cqrs), pruned after a retention period.
-- tenant_id is null for a platform command; the policy then shows the row only without a tenant.
CREATE TABLE ${s}.idempotency_keys (
  tenant_id        uuid,
  command_type     text NOT NULL,
  idempotency_key  text NOT NULL,
  fingerprint      text NOT NULL,
  result           jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_key UNIQUE NULLS NOT DISTINCT (tenant_id, command_type, idempotency_key)
);
CREATE INDEX idempotency_keys_created ON ${s}.idempotency_keys (created_at);
ALTER TABLE ${s}.idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${s}.idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ${s}.idempotency_keys TO ${APP_ROLE}
  USING (tenant_id IS NOT DISTINCT FROM ${tenant}) WITH CHECK (tenant_id IS NOT DISTINCT FROM ${tenant});
CREATE POLICY worker_all ON ${s}.idempotency_keys TO ${WORKER_ROLE} USING (true) WITH CHECK (true);

-- (source, external id) -> internal UUID, one row ever per pair (seed 004 section 10); read and
-- written by domain-repository's CRM ingestion (apps/domain-repository/src/crm-ingestion/external-ids.ts).
CREATE TABLE ${s}.external_ids (
  tenant_id        uuid NOT NULL,
  source           text NOT NULL,
  external_id      text NOT NULL,
  internal_id      uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, source, external_id)
);
${tenantPolicy('external_ids')}

-- Raises the version conflict of a failed append (see src/store/append-sql.ts).
${appendConflictFunctionDdl(s)}
REVOKE ALL ON FUNCTION ${s}.append_conflict FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ${s}.append_conflict TO ${APP_ROLE};

GRANT USAGE ON SCHEMA ${s} TO ${APP_ROLE}, ${WORKER_ROLE};
GRANT SELECT, INSERT ON ${s}.events, ${s}.outbox, ${s}.inbox, ${s}.external_ids TO ${APP_ROLE};
GRANT SELECT, INSERT, UPDATE ON ${s}.snapshots TO ${APP_ROLE};
GRANT SELECT ON ${s}.events, ${s}.snapshots, ${s}.external_ids TO ${WORKER_ROLE};
GRANT SELECT, DELETE ON ${s}.outbox TO ${WORKER_ROLE};
-- SELECT ... FOR UPDATE needs UPDATE on some column; the relay never updates.
GRANT UPDATE (created_at) ON ${s}.outbox TO ${WORKER_ROLE};
GRANT SELECT, INSERT, DELETE ON ${s}.inbox TO ${WORKER_ROLE};
GRANT SELECT, INSERT ON ${s}.idempotency_keys TO ${APP_ROLE};
GRANT SELECT, DELETE ON ${s}.idempotency_keys TO ${WORKER_ROLE};
GRANT SELECT, INSERT, UPDATE ON ${s}.projection_checkpoints TO ${WORKER_ROLE};
-- The projection manager (worker) creates, owns and drops the read tables and views of each
-- projection generation, and grants the app role SELECT on them (see src/projections).
GRANT CREATE ON SCHEMA ${s} TO ${WORKER_ROLE};
`;
}
