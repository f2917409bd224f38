import { z } from 'zod';
import { isSealedValue, parseEvent, type EventData } from '@bizosaas/event-schemas';
import type { CrmRecord } from './sources/sync-source.ts';

type RecordsChanged = EventData<'integration.records_changed'>;

/** One archived page of a sync, as a live run forwarded it (domain-repository takes at most 100 records a page). */
export interface ReplayedPage {
  /** The run and page of the provider the records came from (their provenance). */
  runId: string;
  page: number;
  records: CrmRecord[];
  /** The records by their change as archived. */
  changes: { created: number; updated: number; deleted: number };
}

const FORWARD_LIMIT = 100;

// What contactRecord (sources/hubspot-contacts.ts) keeps of a contact, as the event's `fields`.
const keptContact = z.object({
  properties: z.record(z.string(), z.string().nullable()),
  archived: z.boolean(),
});

/**
 * An archived `integration.records_changed` event of `syncId`, read back (sealed fields refused:
 * history opens them for a token of the tenant) as the pages a live run forwarded.
 *
 * The archive keeps each record's kept fields and the time the sync saw the change
 * (`occurredAt`), not the provider's own modification time: that time stands in for
 * `createdAt`/`updatedAt`, so a record's version, and the notification id domain-repository
 * derives from it, is the same on every replay of the event.
 */
export function replayedPages(raw: unknown, syncId: string): ReplayedPage[] {
  const event = parseEvent(raw);
  if (event.type !== 'integration.records_changed' || event.aggregateId !== syncId)
    throw new Error(`archived event ${event.id} is not a records_changed event of sync ${syncId}`);
  const data: RecordsChanged = event.data;
  const records = data.records.map((record) => crmRecordOf(record, event.occurredAt, event.id));
  const pages: ReplayedPage[] = [];
  for (let start = 0; start < records.length; start += FORWARD_LIMIT) {
    const slice = data.records.slice(start, start + FORWARD_LIMIT);
    pages.push({
      runId: data.runId,
      page: data.provenance.page,
      records: records.slice(start, start + FORWARD_LIMIT),
      changes: {
        created: slice.filter((r) => r.change === 'created').length,
        updated: slice.filter((r) => r.change === 'updated').length,
        deleted: slice.filter((r) => r.change === 'deleted').length,
      },
    });
  }
  return pages;
}

function crmRecordOf(record: RecordsChanged['records'][number], at: string, eventId: string): CrmRecord {
  const version = record.providerVersion;
  const base = { id: record.externalId, createdAt: version?.createdAt ?? at, updatedAt: version?.updatedAt ?? at };
  if (record.change === 'deleted' || record.fields === null)
    return { ...base, properties: {}, archived: true, archivedAt: at };
  if (isSealedValue(record.fields))
    throw new Error(
      `archived event ${eventId} came back with its fields sealed: the archive token must be of the sync's tenant`,
    );
  const kept = keptContact.parse(JSON.parse(record.fields));
  return { ...base, properties: kept.properties, archived: kept.archived };
}
