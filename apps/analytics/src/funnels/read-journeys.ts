import type pg from 'pg';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { CHECKPOINT_SQL, views } from '../projections/views.ts';
import type { Journey, JourneyEvent } from './funnel-engine.ts';

export interface JourneyQuery {
  /** Epoch ms, inclusive. */
  readonly fromMs: number;
  /** Epoch ms, exclusive. */
  readonly toMs: number;
  /** Keep only events of these types; none: every event (a strict funnel needs them all). */
  readonly types?: readonly string[];
  /** Subjects with no event of this type (at any time) are not read at all: a funnel's first step. */
  readonly requiredType?: string;
  /** Only the events logged up to this position (an "as of" answer). */
  readonly asOf: GlobalCheckpoint | null;
}

/** A journeys.events element: [type, epoch ms, source, campaignId, log position]. */
type Element = [string, number, string | null, string | null, number];

// One statement, so the journeys and the checkpoint come from one snapshot. The checkpoint is the
// one row with no subject; UNION ALL keeps it from costing a column on every journey row.
// A journey's span only widens as events arrive, so a journey overlapping the range as of an
// earlier position overlaps it now too: filtering on the current span loses none.
const JOURNEYS_SQL = `
SELECT NULL::uuid AS subject_id, ${CHECKPOINT_SQL}::jsonb AS events
UNION ALL
SELECT subject_id, events FROM ${views.journeys}
 WHERE tenant_id = $1 AND first_at < $3 AND last_at >= $2
   AND ($4::text IS NULL OR events @> jsonb_build_array(jsonb_build_array($4::text)))`;

/**
 * The tenant's subjects whose events overlap [fromMs, toMs), each with its events in the range
 * (of `types` when given) sorted by (time, log position); subjects left with none are dropped.
 * Props of every event: source and campaignId (the subject's first touch when the event names none).
 */
export async function readJourneys(
  client: pg.ClientBase,
  tenantId: string,
  query: JourneyQuery,
): Promise<{ journeys: Journey[]; checkpoint: GlobalCheckpoint | null }> {
  const { rows } = await client.query<[string | null, unknown]>({
    name: 'analytics_read_journeys',
    text: JOURNEYS_SQL,
    values: [tenantId, new Date(query.fromMs), new Date(query.toMs), query.requiredType ?? null],
    rowMode: 'array',
  });
  let checkpoint: GlobalCheckpoint | null = null;
  const journeys: Journey[] = [];
  const keep = elementFilter(query);
  for (const [subjectId, events] of rows) {
    if (subjectId === null) {
      checkpoint = events as GlobalCheckpoint | null;
      continue;
    }
    const kept = (events as Element[]).filter(keep);
    if (kept.length === 0) continue;
    kept.sort((x, y) => x[1] - y[1] || x[4] - y[4]);
    journeys.push({ subjectId, events: kept.map(toJourneyEvent) });
  }
  return { journeys, checkpoint };
}

function elementFilter(query: JourneyQuery): (element: Element) => boolean {
  const types = query.types === undefined ? null : new Set(query.types);
  // Elements carry only the global position of their event. The analytics log is written by one
  // ingest statement at a time, so its order by (transactionId, globalPosition) agrees with the
  // order by globalPosition alone: "logged up to the checkpoint" is "globalPosition <= its own".
  const last = query.asOf === null ? Infinity : Number(query.asOf.globalPosition);
  const { fromMs, toMs } = query;
  return (element) =>
    element[1] >= fromMs && element[1] < toMs && element[4] <= last && (types === null || types.has(element[0]));
}

const toJourneyEvent = ([type, at, source, campaignId]: Element): JourneyEvent => ({
  type,
  at,
  props: { source, campaignId },
});
