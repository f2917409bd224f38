-- analytics keeps the events it receives from every stream in the log of its event store schema,
-- so that its projections run on the platform's projection manager (checkpoints, rebuild and
-- swap) and every number can be traced to the event ids behind it. The log holds other
-- services' events: they are deduplicated by event id, and (stream_id, version) is not a
-- constraint here (events published through the event-bus all carry version 1 of their stream).
ALTER TABLE "analytics_event_store".events DROP CONSTRAINT events_stream_version;
CREATE INDEX events_stream ON "analytics_event_store".events (stream_id, version);
CREATE INDEX events_tenant_type_time ON "analytics_event_store".events (tenant_id, type, occurred_at);
-- The ingest consumer writes a batch of many tenants' events in one statement, as the worker role.
GRANT INSERT ON "analytics_event_store".events TO bizosaas_worker;
-- Every answer carries the position its projections had reached, read in the answer's own statement.
GRANT SELECT ON "analytics_event_store".projection_checkpoints TO bizosaas_app;
