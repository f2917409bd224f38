import { parseEvent } from '@bizosaas/event-schemas';
import { defineProjection, type ProjectionTables } from '@bizosaas/event-store';
import type { LoggedEvent } from './facts.ts';
import { writeFacts } from './write-facts.ts';

export const ANALYTICS_TABLES = [
  'event_facts',
  'metric_minutes',
  'metric_hours',
  'metric_days',
  'entity_states',
  'spend_days',
  'journeys',
] as const;
export type AnalyticsTable = (typeof ANALYTICS_TABLES)[number];
export type AnalyticsTables = ProjectionTables<AnalyticsTable>;

const NIL = "'00000000-0000-0000-0000-000000000000'";

/** The rollup tables: the same sums per UTC minute, hour and day (KPIs of long ranges read the coarse ones). */
export const ROLLUPS = [
  { table: 'metric_minutes', column: 'minute', unit: 'minute' },
  { table: 'metric_hours', column: 'hour', unit: 'hour' },
  { table: 'metric_days', column: 'day', unit: 'day' },
] as const;

const rollupDdl = (t: ProjectionTables<AnalyticsTable>) =>
  ROLLUPS.map(
    ({ table, column }) => `
CREATE TABLE ${t[table]} (
  tenant_id uuid NOT NULL, type text NOT NULL, ${column} timestamptz NOT NULL,
  campaign_id uuid NOT NULL DEFAULT ${NIL}, source text NOT NULL DEFAULT '', currency text NOT NULL DEFAULT '',
  events bigint NOT NULL, amount numeric NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, type, ${column}, campaign_id, source, currency)
);
CREATE INDEX ON ${t[table]} (tenant_id, ${column});`,
  ).join('');

/**
 * Every received event, projected in one transaction per batch so that all read tables share
 * one checkpoint: the `asOfPosition` of every answer.
 * - event_facts: one row per fact (lineage, "as of" answers, distinct subjects);
 * - metric_minutes, metric_hours, metric_days: counts and decimal sums per tenant, type, UTC
 *   minute (hour, day), campaign, source, currency;
 * - entity_states: the current state of customers (churn risk) and campaigns (status);
 * - spend_days: ads spend per provider campaign and day, a later sync replacing an earlier one;
 * - journeys: each subject's events as compact text grouped by type (journey-text.ts), what funnels and
 *   retention read. Every append rewrites a subject's row; half of each page is left free so the new
 *   version mostly stays on its page (a HOT update: no new index entry, and the page's dead versions
 *   are pruned when it is next read) instead of bloating the table until vacuum comes by.
 */
export const analyticsProjection = defineProjection<LoggedEvent, AnalyticsTable>({
  name: 'analytics',
  version: 4,
  tables: ANALYTICS_TABLES,
  handles: () => true,
  parse: (raw, position) => ({ event: parseEvent(raw), position }),
  ddl: (t) => `
CREATE TABLE ${t.event_facts} (
  tenant_id uuid NOT NULL, log_xid xid8 NOT NULL, position bigint NOT NULL, seq integer NOT NULL,
  event_id uuid NOT NULL, type text NOT NULL, aggregate_id uuid NOT NULL, subject_id uuid NOT NULL,
  occurred_at timestamptz NOT NULL, correlation_id text, campaign_id uuid, source text,
  amount numeric, currency text, value numeric, entity_key text, fact_date date,
  PRIMARY KEY (tenant_id, position, seq)
);
CREATE INDEX ON ${t.event_facts} (tenant_id, type, occurred_at);
CREATE INDEX ON ${t.event_facts} (tenant_id, entity_key, position) WHERE entity_key IS NOT NULL;
${rollupDdl(t)}
CREATE TABLE ${t.entity_states} (
  tenant_id uuid NOT NULL, kind text NOT NULL, entity_id uuid NOT NULL, status text, value numeric,
  event_id uuid NOT NULL, position bigint NOT NULL,
  PRIMARY KEY (tenant_id, kind, entity_id)
);
CREATE TABLE ${t.spend_days} (
  tenant_id uuid NOT NULL, entity_key text NOT NULL, day date NOT NULL, provider text NOT NULL,
  currency text NOT NULL, spend numeric NOT NULL, event_id uuid NOT NULL, position bigint NOT NULL,
  PRIMARY KEY (tenant_id, entity_key)
);
CREATE TABLE ${t.journeys} (
  tenant_id uuid NOT NULL, subject_id uuid NOT NULL, first_at timestamptz NOT NULL, last_at timestamptz NOT NULL,
  campaign_id uuid, source text, events text NOT NULL,
  PRIMARY KEY (tenant_id, subject_id)
) WITH (fillfactor = 50);
CREATE INDEX ON ${t.journeys} (tenant_id, first_at);`,
  applyBatch: (client, events, tables) => writeFacts(client, events, tables),
});

/** The NIL uuid stands for "no campaign" in metric_minutes' key. */
export const NO_CAMPAIGN = '00000000-0000-0000-0000-000000000000';
