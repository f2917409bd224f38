import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CrmFields, CrmNotification } from '../crm-change.ts';
import { HUBSPOT_PROPERTIES, hubspotFields } from './hubspot-event.ts';
import { parseBody } from './parse-body.ts';

const instant = z.iso.datetime({ offset: true });

/** A contact in HubSpot's CRM v3 object shape (`GET /crm/v3/objects/contacts` results). */
const hubspotRecord = z.object({
  id: z.string().regex(/^\d{1,30}$/, 'must be a HubSpot object id'),
  properties: z.record(z.string().max(200), z.string().max(10_000).nullable()),
  createdAt: instant,
  updatedAt: instant,
  archived: z.boolean(),
  archivedAt: instant.optional(),
});
type HubspotRecord = z.output<typeof hubspotRecord>;

/**
 * A page of whole contacts a sync of the integration service forwards: HubSpot's list shape plus
 * the sync it comes from. The records carry their whole state, so nothing is read back.
 */
export const hubspotSyncPage = z.strictObject({
  source: z.strictObject({
    type: z.literal('integration_sync'),
    syncId: z.uuid(),
    runId: z.uuid().optional(),
    page: z.int().min(1).optional(),
  }),
  results: z.array(hubspotRecord).min(1).max(100),
});

/**
 * The record's version: its id, properties, last modification and archived flag (not when it was
 * archived, nor the page or run that carried it), so the same version forwarded again, by a
 * resumed run for instance, is the same notification.
 */
function versionOf(record: HubspotRecord): string {
  const properties = Object.fromEntries(Object.entries(record.properties).sort(([a], [b]) => a.localeCompare(b)));
  const text = JSON.stringify([record.id, properties, record.updatedAt, record.archived]);
  return createHash('sha256').update(text).digest('hex');
}

/** Every property we keep, null when the record has none: the record's whole state. */
function wholeFields(properties: Record<string, string | null>): CrmFields {
  const complete = Object.fromEntries(Object.keys(HUBSPOT_PROPERTIES).map((name) => [name, properties[name] ?? null]));
  return hubspotFields(complete);
}

/** Each record is a notification of its own, identified by the sync, the record and its version. */
export function translateHubspotSyncPage(body: unknown): CrmNotification[] {
  const page = parseBody('HubSpot sync page', hubspotSyncPage, body);
  return page.results.map((record, index) => {
    const changeType = record.archived ? 'delete' : 'update';
    return {
      externalEventId: `sync:${page.source.syncId}:${record.id}:${versionOf(record)}`,
      eventType: record.archived ? 'contact.sync_archived' : 'contact.sync_record',
      entity: 'contact',
      changeType,
      occurredAt: new Date(record.archivedAt ?? record.updatedAt).toISOString(),
      occurredAtField: `results.${index}.${record.archivedAt !== undefined ? 'archivedAt' : 'updatedAt'}`,
      changes: [
        {
          target: 'lead',
          entity: 'contact',
          externalId: record.id,
          changeType,
          fields: record.archived ? {} : wholeFields(record.properties),
          refetch: false,
          complete: !record.archived,
        },
      ],
    };
  });
}
