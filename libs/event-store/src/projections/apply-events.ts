import type pg from 'pg';
import { parseEvent } from '@bizosaas/event-schemas';
import { handlesType, type AnyProjection, type ProjectionTables } from './projection.ts';
import type { LogEvent } from './read-events-after.ts';

/** The types to build envelopes for when reading for this projection (null: its predicate decides). */
export const wantedTypes = (projection: AnyProjection): readonly string[] | null =>
  typeof projection.handles === 'function' ? null : projection.handles;

/**
 * Parses (validates, upcasts) the logged events the projection handles and applies them, in
 * order: all at once through `applyBatch` when it has one, else one by one. Returns them.
 */
export async function applyEvents(
  client: pg.ClientBase,
  projection: AnyProjection,
  tables: ProjectionTables,
  logged: readonly LogEvent[],
): Promise<unknown[]> {
  const parse = projection.parse ?? ((raw: unknown) => parseEvent(raw));
  const events = logged
    .filter((entry) => entry.envelope !== null && handlesType(projection, entry.type))
    .map((entry) => parse(entry.envelope, entry.position));
  if (events.length === 0) return events;
  if (projection.applyBatch) {
    await projection.applyBatch(client, events, tables);
  } else if (projection.apply) {
    for (const event of events) await projection.apply(client, event, tables);
  }
  return events;
}
