import type pg from 'pg';
import { ROLLUPS, type AnalyticsTables } from './analytics-projection.ts';
import { CAMPAIGN_STATUS, toFacts, type Fact, type LoggedEvent } from './facts.ts';
import { appendToJourney, type JourneyElement } from './journey-text.ts';

const FACT_COLUMNS = `tenant_id uuid, log_xid xid8, position bigint, seq int, event_id uuid, type text, aggregate_id uuid,
  subject_id uuid, occurred_at timestamptz, correlation_id text, campaign_id uuid, source text, amount numeric,
  currency text, value numeric, entity_key text, fact_date date`;
const FACT_FIELDS = [
  ['tenantId', 'tenant_id'],
  ['logXid', 'log_xid'],
  ['position', 'position'],
  ['seq', 'seq'],
  ['eventId', 'event_id'],
  ['type', 'type'],
  ['aggregateId', 'aggregate_id'],
  ['subjectId', 'subject_id'],
  ['occurredAt', 'occurred_at'],
  ['correlationId', 'correlation_id'],
  ['campaignId', 'campaign_id'],
  ['source', 'source'],
  ['amount', 'amount'],
  ['currency', 'currency'],
  ['value', 'value'],
  ['entityKey', 'entity_key'],
  ['factDate', 'fact_date'],
] as const;
const toRow = (fact: Fact) => Object.fromEntries(FACT_FIELDS.map(([field, column]) => [column, fact[field]]));

/** Adds the inserted facts (those not replacing others) to one rollup table. */
const rollupUpsert = (table: string, column: string, unit: string) =>
  `INSERT INTO ${table} AS m (tenant_id, type, ${column}, campaign_id, source, currency, events, amount)
     SELECT tenant_id, type, date_trunc('${unit}', occurred_at), COALESCE(campaign_id, '00000000-0000-0000-0000-000000000000'),
            COALESCE(source, ''), COALESCE(currency, ''), count(*), COALESCE(sum(amount), 0)
       FROM inserted WHERE entity_key IS NULL GROUP BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (tenant_id, type, ${column}, campaign_id, source, currency)
     DO UPDATE SET events = m.events + excluded.events, amount = m.amount + excluded.amount`;

/** Applies one batch: facts with their rollups, journeys, entity states and ads spend (five statements). */
export async function writeFacts(client: pg.ClientBase, events: readonly LoggedEvent[], t: AnalyticsTables) {
  const facts = events.flatMap(toFacts);
  if (facts.length === 0) return;
  const stored = await attribute(client, facts, t);
  const rows = JSON.stringify(facts.map(toRow));
  await client.query(
    `WITH f AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(${FACT_COLUMNS})),
     inserted AS (INSERT INTO ${t.event_facts} SELECT tenant_id, log_xid, position, seq, event_id, type, aggregate_id,
       subject_id, occurred_at, correlation_id, campaign_id, source, amount, currency, value, entity_key, fact_date FROM f
       ON CONFLICT DO NOTHING RETURNING *),
     ${ROLLUPS.map(({ table, column, unit }) => `${table} AS (${rollupUpsert(t[table], column, unit)})`).join(',\n')}
     SELECT 1`,
    [rows],
  );
  await writeJourneys(client, facts, t, stored);
  await writeStates(client, facts, t);
  await writeSpend(client, facts, t);
}

/**
 * A subject's campaign and source are those of its first event that names them (first touch,
 * e.g. lead.created); its later events (qualified, converted) are counted toward them too.
 * Returns the batch's subjects' stored journeys (their events are appended to them).
 */
async function attribute(client: pg.ClientBase, facts: Fact[], t: AnalyticsTables): Promise<Map<string, string>> {
  const subjects = [...new Set(facts.map((f) => `${f.tenantId}/${f.subjectId}`))].map((key) => key.split('/'));
  const known = await client.query<{ key: string; campaign_id: string | null; source: string | null; events: string }>(
    `SELECT j.tenant_id || '/' || j.subject_id AS key, j.campaign_id, j.source, j.events
       FROM ${t.journeys} j JOIN jsonb_to_recordset($1::jsonb) AS x(t uuid, s uuid) ON j.tenant_id = x.t AND j.subject_id = x.s`,
    [JSON.stringify(subjects.map(([tenant, subject]) => ({ t: tenant, s: subject })))],
  );
  const attributes = new Map(known.rows.map((r) => [r.key, { campaignId: r.campaign_id, source: r.source }]));
  for (const fact of facts) {
    if (fact.entityKey !== null) continue;
    const key = `${fact.tenantId}/${fact.subjectId}`;
    const current = attributes.get(key) ?? { campaignId: null, source: null };
    fact.campaignId ??= current.campaignId;
    fact.source ??= current.source;
    attributes.set(key, { campaignId: current.campaignId ?? fact.campaignId, source: current.source ?? fact.source });
  }
  return new Map(known.rows.map((r) => [r.key, r.events]));
}

/** Appends the batch's events to their subjects' journeys (journey-text.ts), one statement. */
async function writeJourneys(
  client: pg.ClientBase,
  facts: readonly Fact[],
  t: AnalyticsTables,
  stored: ReadonlyMap<string, string>,
): Promise<void> {
  type Appended = {
    t: string;
    s: string;
    c: string | null;
    src: string | null;
    f: number;
    l: number;
    e: JourneyElement[];
  };
  const bySubject = new Map<string, Appended>();
  for (const f of facts) {
    if (f.seq !== 0 || f.entityKey !== null) continue;
    const key = `${f.tenantId}/${f.subjectId}`;
    const at = Date.parse(f.occurredAt);
    const journey = bySubject.get(key) ?? {
      t: f.tenantId,
      s: f.subjectId,
      c: f.campaignId,
      src: f.source,
      f: at,
      l: at,
      e: [],
    };
    journey.e.push({ type: f.type, at, position: Number(f.position), source: f.source, campaignId: f.campaignId });
    journey.f = Math.min(journey.f, at);
    journey.l = Math.max(journey.l, at);
    bySubject.set(key, journey);
  }
  if (bySubject.size === 0) return;
  const rows = [...bySubject].map(([key, { e, ...row }]) => ({
    ...row,
    e: appendToJourney(stored.get(key) ?? null, e),
  }));
  await client.query(
    `INSERT INTO ${t.journeys} AS j (tenant_id, subject_id, first_at, last_at, campaign_id, source, events)
     SELECT x.t, x.s, to_timestamp(x.f / 1000.0), to_timestamp(x.l / 1000.0), x.c, x.src, x.e
       FROM jsonb_to_recordset($1::jsonb) AS x(t uuid, s uuid, c uuid, src text, f bigint, l bigint, e text)
     ON CONFLICT (tenant_id, subject_id) DO UPDATE SET
       first_at = least(j.first_at, excluded.first_at), last_at = greatest(j.last_at, excluded.last_at),
       campaign_id = COALESCE(j.campaign_id, excluded.campaign_id), source = COALESCE(j.source, excluded.source),
       events = excluded.events`,
    [JSON.stringify(rows)],
  );
}

/** Current customer churn risk and campaign status; the latest fact of each entity wins. */
async function writeStates(client: pg.ClientBase, facts: readonly Fact[], t: AnalyticsTables): Promise<void> {
  const latest = new Map<string, object>();
  for (const f of facts) {
    const campaignStatus = CAMPAIGN_STATUS[f.type];
    const base = { t: f.tenantId, id: f.aggregateId, ev: f.eventId, p: f.position };
    if (campaignStatus) latest.set(`c/${f.tenantId}/${f.aggregateId}`, { ...base, k: 'campaign', st: campaignStatus });
    if (f.type === 'customer.churn_risk_updated')
      latest.set(`r/${f.tenantId}/${f.aggregateId}`, { ...base, k: 'customer', v: f.value });
  }
  if (latest.size === 0) return;
  await client.query(
    `INSERT INTO ${t.entity_states} AS s (tenant_id, kind, entity_id, status, value, event_id, position)
     SELECT x.t, x.k, x.id, x.st, x.v, x.ev, x.p FROM jsonb_to_recordset($1::jsonb)
       AS x(t uuid, k text, id uuid, st text, v numeric, ev uuid, p bigint)
     ON CONFLICT (tenant_id, kind, entity_id) DO UPDATE SET status = excluded.status, value = excluded.value,
       event_id = excluded.event_id, position = excluded.position WHERE s.position < excluded.position`,
    [JSON.stringify([...latest.values()])],
  );
}

/** Ads spend per provider campaign and day: a later sync of the same day replaces the earlier one. */
async function writeSpend(client: pg.ClientBase, facts: readonly Fact[], t: AnalyticsTables): Promise<void> {
  const latest = new Map<string, object>();
  for (const f of facts) {
    if (f.entityKey === null || f.factDate === null || f.amount === null || f.currency === null) continue;
    latest.set(`${f.tenantId}/${f.entityKey}`, {
      t: f.tenantId,
      k: f.entityKey,
      d: f.factDate,
      pr: f.source,
      c: f.currency,
      a: f.amount,
      ev: f.eventId,
      p: f.position,
    });
  }
  if (latest.size === 0) return;
  await client.query(
    `INSERT INTO ${t.spend_days} AS s (tenant_id, entity_key, day, provider, currency, spend, event_id, position)
     SELECT x.t, x.k, x.d, x.pr, x.c, x.a, x.ev, x.p FROM jsonb_to_recordset($1::jsonb)
       AS x(t uuid, k text, d date, pr text, c text, a numeric, ev uuid, p bigint)
     ON CONFLICT (tenant_id, entity_key) DO UPDATE SET day = excluded.day, currency = excluded.currency,
       spend = excluded.spend, event_id = excluded.event_id, position = excluded.position WHERE s.position < excluded.position`,
    [JSON.stringify([...latest.values()])],
  );
}
