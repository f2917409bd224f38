import { z } from 'zod';

export const CRM_PROVIDERS = ['salesforce', 'hubspot', 'pipedrive'] as const;
export const CrmProvider = z.enum(CRM_PROVIDERS);
export type CrmProvider = z.infer<typeof CrmProvider>;

/** The aggregate a CRM object becomes here (each adapter maps its object names to one). */
export const CrmTarget = z.enum(['lead', 'customer']);
export type CrmTarget = z.infer<typeof CrmTarget>;

/**
 * A CRM record's fields in our words. Absent means "not in this notification" (an update
 * carries only what changed); null means the CRM cleared the field.
 */
export const CrmFields = z
  .object({
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    jobTitle: z.string().nullable(),
    /** The CRM's status value as it is (e.g. "Open - Not Contacted", "inactive"). */
    status: z.string().nullable(),
    /** That status in our words, when the adapter knows its vocabulary. */
    stage: z.enum(['open', 'contacted', 'disqualified']).nullable(),
  })
  .partial();
export type CrmFields = z.infer<typeof CrmFields>;

/** One record's change, whichever provider reported it: what the worker applies. */
export const CrmChange = z.object({
  target: CrmTarget,
  /** The provider's object name (Lead, contact, person): part of the external id's source. */
  entity: z.string(),
  externalId: z.string().min(1),
  changeType: z.enum(['create', 'update', 'delete']),
  fields: CrmFields,
  /** The notification does not carry the record's state (a gap event, a bare id): fetch it. */
  refetch: z.boolean().default(false),
  /** `fields` is the record's whole state (a record forwarded by a sync): never read back. */
  complete: z.boolean().optional(),
});
export type CrmChange = z.infer<typeof CrmChange>;

/** One provider notification, validated and translated (the unit the ingestion log stores). */
export interface CrmNotification {
  externalEventId: string;
  eventType: string;
  entity: string;
  changeType: CrmChange['changeType'];
  occurredAt: string;
  /** Where the provider's body states occurredAt, so a refusal names the field the sender wrote. */
  occurredAtField: string;
  changes: CrmChange[];
}

/** The external id mapping's source: provider and object, since ids are unique per object type only. */
export const externalSource = (provider: CrmProvider, entity: string) => `${provider}.${entity.toLowerCase()}`;

/** Seed 004: records in these states are kept out of the platform until they become live. */
const NOT_BROADCAST = new Set(['inactive', 'pending', 'draft']);
export const isDormantStatus = (status: string | null | undefined) =>
  typeof status === 'string' && NOT_BROADCAST.has(status.trim().toLowerCase());
