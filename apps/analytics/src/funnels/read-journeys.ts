import type pg from 'pg';
import { finished } from 'node:stream/promises';
import QueryStream from 'pg-query-stream';
import type { GlobalCheckpoint } from '@bizosaas/event-store';
import { CHECKPOINT_SQL, views } from '../projections/views.ts';
import type { Journey } from './funnel-engine.ts';
import { createJourneyDecoder, type ElementFilter } from './journey-decoder.ts';

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

// One statement, so the journeys and the checkpoint come from one snapshot. The checkpoint is the
// one row with no subject; UNION ALL keeps it from costing a column on every journey row.
// A journey's span only widens as events arrive, so a journey overlapping the range as of an
// earlier position overlaps it now too: filtering on the current span loses none.
// The required type is looked for in the journey's text (its JSON string dictionary holds every type
// the subject has had): a cheap superset, the engine decides.
const JOURNEYS_SQL = `
SELECT NULL::uuid AS subject_id, ${CHECKPOINT_SQL}::text AS events
UNION ALL
SELECT subject_id, events FROM ${views.journeys}
 WHERE tenant_id = $1 AND first_at < $3 AND last_at >= $2 AND ($4::text IS NULL OR events LIKE $4)`;

/** LIKE pattern matching a journey text that contains the JSON string `value`. */
const containing = (value: string) => `%${JSON.stringify(value).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

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
  const journeys: Journey[] = [];
  const checkpoint = await forEachJourney(client, tenantId, query, (journey) => journeys.push(journey));
  return { journeys, checkpoint };
}

/**
 * readJourneys one journey at a time, as the rows arrive (a cursor): the service decodes and
 * evaluates while PostgreSQL is still reading, and never holds every journey at once. Returns the
 * checkpoint the journeys are as of.
 */
export async function forEachJourney(
  client: pg.ClientBase,
  tenantId: string,
  query: JourneyQuery,
  visit: (journey: Journey) => void,
): Promise<GlobalCheckpoint | null> {
  const values = [
    tenantId,
    new Date(query.fromMs),
    new Date(query.toMs),
    query.requiredType === undefined ? null : containing(query.requiredType),
  ];
  const rows = client.query(new QueryStream(JOURNEYS_SQL, values, { batchSize: 5000, rowMode: 'array' }));
  let checkpoint: GlobalCheckpoint | null = null;
  const decode = createJourneyDecoder(elementFilter(query));
  // 'data' events, not for await: an async iterator costs a promise and a microtask per row.
  rows.on('data', ([subjectId, stored]: [string | null, string | null]) => {
    try {
      if (subjectId === null) checkpoint = stored === null ? null : (JSON.parse(stored) as GlobalCheckpoint);
      else {
        const events = decode(stored ?? '');
        if (events.length > 0) visit({ subjectId, events });
      }
    } catch (error) {
      rows.destroy(error as Error);
    }
  });
  await finished(rows);
  return checkpoint;
}

function elementFilter(query: JourneyQuery): ElementFilter {
  // Elements carry only the global position of their event. The analytics log is written by one
  // ingest statement at a time, so its order by (transactionId, globalPosition) agrees with the
  // order by globalPosition alone: "logged up to the checkpoint" is "globalPosition <= its own".
  return {
    types: query.types === undefined ? null : new Set(query.types),
    fromMs: query.fromMs,
    toMs: query.toMs,
    lastPosition: query.asOf === null ? Infinity : Number(query.asOf.globalPosition),
  };
}
