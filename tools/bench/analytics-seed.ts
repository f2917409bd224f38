// Seeds analytics' log with a tenant's lead journeys for the benchmark, in one INSERT ... SELECT:
// per subject s, 10 events a minute apart (subjects 10 s apart): created; contacted (8 in 10, else
// scored); 5 scored; qualified (even s, else scored); scored; converted (s multiple of 5, else
// scored). Envelopes are valid for their schemas (event ids UUIDv7 of their time): the projection
// parses each like any other.
import type pg from 'pg';

const LOG = 'analytics_event_store.events';

const DATA = `CASE t
  WHEN 'lead.created' THEN jsonb_build_object('contact', jsonb_build_object('email', 'lead' || s || '@example.test',
    'firstName', NULL, 'lastName', NULL, 'phone', NULL, 'company', NULL, 'jobTitle', NULL),
    'source', CASE WHEN s % 3 = 0 THEN 'referral' ELSE 'website_form' END, 'utmParameters', '{}'::jsonb, 'campaignId', NULL)
  WHEN 'lead.contacted' THEN '{"channel":"email","notes":null}'::jsonb
  WHEN 'lead.qualified' THEN '{"score":{"totalScore":80,"behavioralScore":null,"demographicScore":null,"firmographicScore":null},"method":"manual","analysisId":null,"notes":null}'::jsonb
  WHEN 'lead.converted' THEN jsonb_build_object('customerId', gen_random_uuid(), 'conversionValue', '100.00', 'currency', 'USD')
  ELSE '{"score":{"totalScore":50,"behavioralScore":50,"demographicScore":50,"firmographicScore":50},"method":"ai","analysisId":null}'::jsonb
END`;

const TYPE = `CASE
  WHEN k = 1 THEN 'lead.created'
  WHEN k = 2 AND s % 10 < 8 THEN 'lead.contacted'
  WHEN k = 8 AND s % 2 = 0 THEN 'lead.qualified'
  WHEN k = 10 AND s % 5 = 0 THEN 'lead.converted'
  ELSE 'lead.scored' END`;

/** Writes subjects x 10 events of `tenantId` into the log; returns how many and how long it took. */
export async function seedFunnelEvents(owner: pg.Pool, tenantId: string, subjects: number) {
  const started = performance.now();
  const { rowCount } = await owner.query(
    `INSERT INTO ${LOG} (event_id, tenant_id, stream_id, aggregate_type, aggregate_id, version, type, schema_version,
                         data, metadata, occurred_at)
     SELECT (lpad(to_hex((extract(epoch FROM at) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3)
             || to_hex(8 + floor(random() * 4)::int) || substr(md5(random()::text), 1, 15))::uuid, $1::uuid, 'lead-' || lead_id, 'lead', lead_id, k, t, 1, ${DATA},
            jsonb_build_object('correlationId', lead_id::text, 'causationId', NULL, 'actor', '{"type":"system","id":"bench"}'::jsonb),
            at
       FROM generate_series(1, $2::int) AS s, LATERAL (SELECT md5($1::text || ':' || s) AS h) hh,
            LATERAL (SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid AS lead_id) l,
            generate_series(1, 10) AS k, LATERAL (SELECT ${TYPE} AS t) tt,
            LATERAL (SELECT timestamptz '2026-11-01T00:00:00Z' + s * interval '10 seconds' + k * interval '1 minute' AS at) a`,
    [tenantId, subjects],
  );
  // What autovacuum would do after such an insert, only sooner: without statistics the projection's
  // prepared read of the log gets a generic plan that sorts the whole log (600 ms a batch, measured).
  await owner.query(`ANALYZE ${LOG}`);
  return { events: rowCount ?? 0, seconds: (performance.now() - started) / 1000 };
}

/** Deletes a tenant's events from the log and its rows from the projection's tables. */
export async function deleteTenant(owner: pg.Pool, tenantId: string): Promise<void> {
  await owner.query(`DELETE FROM ${LOG} WHERE tenant_id = $1`, [tenantId]);
  for (const view of [
    'event_facts',
    'metric_minutes',
    'metric_hours',
    'metric_days',
    'entity_states',
    'spend_days',
    'journeys',
  ])
    await owner.query(`DELETE FROM analytics_event_store.${view} WHERE tenant_id = $1`, [tenantId]);
}
