import { z } from 'zod';
import { canonicalJson, contentHash } from '../content-hash.ts';
import { parseAnswer, type ProviderCall } from '../provider-call.ts';
import type { CrmRecord, FetchedPage, FetchedRecord, SyncSource } from './sync-source.ts';

/** The contact properties the sync keeps (what domain-repository maps to a lead). */
export const HUBSPOT_CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'company',
  'jobtitle',
  'hs_lead_status',
] as const;

/** HubSpot's page size limit for CRM v3 object lists. */
export const HUBSPOT_PAGE_LIMIT = 100;

// HubSpot returns every requested property, null when empty, and a few of its own
// (hs_object_id, createdate, lastmodifieddate), which the sync does not keep.
const contactsPage = z.object({
  results: z.array(
    z.object({
      id: z.string().min(1).max(200),
      properties: z.record(z.string(), z.string().nullable()),
      createdAt: z.string(),
      updatedAt: z.string(),
      archived: z.boolean().default(false),
    }),
  ),
  paging: z.object({ next: z.object({ after: z.string().min(1), link: z.string().optional() }).optional() }).optional(),
});

type Contact = z.output<typeof contactsPage>['results'][number];

/** What the sync keeps of a contact: the properties it asked for and whether it is archived. */
export function keptContact(contact: Contact): CrmRecord {
  const properties = Object.fromEntries(
    HUBSPOT_CONTACT_PROPERTIES.map((name) => [name, contact.properties[name] ?? null]),
  );
  return {
    id: contact.id,
    properties,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
    archived: contact.archived,
  };
}

/** The hash covers the kept properties and the archived flag, not updatedAt: a change elsewhere is no change here. */
export function contactRecord(record: CrmRecord): FetchedRecord {
  const kept = { properties: record.properties, archived: record.archived };
  return { externalId: record.id, contentHash: contentHash(kept), fields: canonicalJson(kept) };
}

/**
 * HubSpot contacts through the CRM v3 list (`GET /crm/v3/objects/contacts`, 100 per page, paged
 * by `after`): every pass reads the whole list and change detection keeps only what changed, in
 * both modes (the list is ordered by id, so a pass resumed at `after` misses nothing before it).
 */
export function hubspotContacts(call: ProviderCall, baseUrl: string, headers: Record<string, string>): SyncSource {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    detectsDeletions: true,
    forwardsToCrm: true,
    bounds: () => ({ position: null, until: null }),
    async fetch(after): Promise<FetchedPage> {
      const query = new URLSearchParams({
        limit: String(HUBSPOT_PAGE_LIMIT),
        properties: HUBSPOT_CONTACT_PROPERTIES.join(','),
        ...(after !== null && { after }),
      });
      const answer = await call(`${root}/crm/v3/objects/contacts?${query.toString()}`, { method: 'GET', headers });
      const page = parseAnswer('HubSpot', contactsPage, answer.body);
      const kept = page.results.map(keptContact);
      const requestId = answer.headers['x-hubspot-correlation-id'];
      return {
        records: kept.map(contactRecord),
        next: page.paging?.next?.after ?? null,
        requestId: typeof requestId === 'string' ? requestId.slice(0, 200) : null,
        crmRecords: new Map(kept.map((record) => [record.id, record])),
      };
    },
  };
}
